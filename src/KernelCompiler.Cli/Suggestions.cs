using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;

namespace KernelCompiler.Cli
{
    /// <summary>"Did you mean" for a mistyped verb or option: the closest known spelling within a small edit distance.</summary>
    internal static class Suggestions
    {
        /// <summary>The closest verb (for a bare word) or option of <paramref name="command"/> to <paramref name="token"/>,
        /// or null when nothing is close.</summary>
        public static string? For(string token, Command command, Command root)
        {
            IEnumerable<string> candidates = token.StartsWith('-')
                ? command.Options.SelectMany(o => new[] { o.Name }.Concat(o.Aliases)).Where(n => n.StartsWith("--"))
                : (command.Subcommands.Count > 0 ? command : root).Subcommands.Select(c => c.Name);
            return Closest(token, candidates);
        }

        /// <summary>The candidate nearest to <paramref name="token"/>: one that starts with it or differs from it by at
        /// most a third of its length in edits (and never more than 3); null when none is.</summary>
        public static string? Closest(string token, IEnumerable<string> candidates)
        {
            string? best = null;
            int bestDistance = int.MaxValue;
            foreach (string candidate in candidates.Distinct())
            {
                int distance = candidate.StartsWith(token, StringComparison.Ordinal) && token.TrimStart('-').Length >= 3
                    ? 1
                    : Distance(token, candidate);
                if (distance < bestDistance)
                {
                    bestDistance = distance;
                    best = candidate;
                }
            }

            int allowed = Math.Min(3, Math.Max(1, token.TrimStart('-').Length / 3));
            return bestDistance <= allowed ? best : null;
        }

        // Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours ("trian").
        private static int Distance(string s, string t)
        {
            var d = new int[s.Length + 1, t.Length + 1];
            for (int i = 0; i <= s.Length; i++) d[i, 0] = i;
            for (int j = 0; j <= t.Length; j++) d[0, j] = j;
            for (int i = 1; i <= s.Length; i++)
            {
                for (int j = 1; j <= t.Length; j++)
                {
                    int cost = s[i - 1] == t[j - 1] ? 0 : 1;
                    d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                    if (i > 1 && j > 1 && s[i - 1] == t[j - 2] && s[i - 2] == t[j - 1])
                    {
                        d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                    }
                }
            }

            return d[s.Length, t.Length];
        }
    }
}
