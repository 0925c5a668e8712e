using System;
using System.Collections.Generic;
using System.Text;
using KernelCompiler.Generators.Pipeline;
using Microsoft.CodeAnalysis.Diagnostics;

namespace KernelCompiler.Generators
{
    /// <summary>Finds the AdditionalFiles item a <c>[LutKernel]</c> path names. Paths compare with '/' separators and
    /// without '.' or '..' segments, so <c>models\a.lut.json</c>, <c>./models/a.lut.json</c> and the item's full path
    /// all meet.</summary>
    internal static class ModelPaths
    {
        private const int MaxListedFiles = 10;

        /// <summary>The project directory from <c>build_property.ProjectDir</c> (visible to the compiler by default in
        /// SDK projects), normalised and ending in '/', or null.</summary>
        public static string? ProjectDirectory(AnalyzerConfigOptions options)
        {
            if (!options.TryGetValue("build_property.projectdir", out string? dir) || string.IsNullOrWhiteSpace(dir))
            {
                return null;
            }

            string normalized = Normalize(dir!);
            return normalized.EndsWith("/", StringComparison.Ordinal) ? normalized : normalized + "/";
        }

        public static string Normalize(string path)
        {
            string slashed = path.Replace('\\', '/');
            bool rooted = slashed.StartsWith("/", StringComparison.Ordinal);
            var segments = new List<string>();
            foreach (string segment in slashed.Split('/'))
            {
                if (segment.Length == 0 || segment == ".")
                {
                    continue;
                }

                if (segment == ".." && segments.Count > 0 && segments[segments.Count - 1] != "..")
                {
                    segments.RemoveAt(segments.Count - 1);
                    continue;
                }

                segments.Add(segment);
            }

            string joined = string.Join("/", segments);
            return rooted ? "/" + joined : joined;
        }

        private static bool IsRooted(string normalizedPath)
            => normalizedPath.StartsWith("/", StringComparison.Ordinal) ||
               (normalizedPath.Length >= 2 && normalizedPath[1] == ':');

        /// <summary>Resolves <paramref name="declaration"/>'s model path among <paramref name="files"/> (normalised full
        /// paths): the project directory joined with the path first, then (when the project directory is unknown or
        /// nothing matched) the one file whose path ends with it.</summary>
        public static KernelRequest Resolve(KernelDeclaration declaration, string? projectDirectory, EquatableArray<string> files)
        {
            string wanted = Normalize(declaration.ModelPath);
            var candidates = new List<string>();
            if (IsRooted(wanted))
            {
                candidates.Add(wanted);
            }
            else if (projectDirectory is not null)
            {
                candidates.Add(Normalize(projectDirectory + wanted));
            }

            foreach (StringComparison comparison in new[] { StringComparison.Ordinal, StringComparison.OrdinalIgnoreCase })
            {
                foreach (string candidate in candidates)
                {
                    foreach (string file in files)
                    {
                        if (string.Equals(file, candidate, comparison))
                        {
                            return new KernelRequest(declaration, file, null);
                        }
                    }
                }
            }

            var suffixMatches = new List<string>();
            foreach (string file in files)
            {
                if (string.Equals(file, wanted, StringComparison.Ordinal) ||
                    file.EndsWith("/" + wanted, StringComparison.Ordinal))
                {
                    suffixMatches.Add(file);
                }
            }

            if (suffixMatches.Count == 1)
            {
                return new KernelRequest(declaration, suffixMatches[0], null);
            }

            string reason;
            if (suffixMatches.Count > 1)
            {
                reason = "it matches several AdditionalFiles (" + List(suffixMatches, projectDirectory) +
                    "); name it by its path relative to the project directory";
            }
            else if (files.Count == 0)
            {
                reason = "the project has no AdditionalFiles; add <AdditionalFiles Include=\"" + wanted + "\" /> to the project file";
            }
            else
            {
                reason = "looked for '" + (candidates.Count > 0 ? candidates[0] : wanted) + "'; the AdditionalFiles are " +
                    List(files, projectDirectory);
            }

            return new KernelRequest(declaration, null, reason);
        }

        private static string List(IReadOnlyList<string> files, string? projectDirectory)
        {
            var sorted = new List<string>();
            foreach (string file in files)
            {
                sorted.Add(projectDirectory is not null && file.StartsWith(projectDirectory, StringComparison.Ordinal)
                    ? file.Substring(projectDirectory.Length)
                    : file);
            }

            sorted.Sort(StringComparer.Ordinal);
            var sb = new StringBuilder();
            for (int i = 0; i < sorted.Count && i < MaxListedFiles; i++)
            {
                sb.Append(i == 0 ? "" : ", ").Append('\'').Append(sorted[i]).Append('\'');
            }

            if (sorted.Count > MaxListedFiles)
            {
                sb.Append(" and ").Append(sorted.Count - MaxListedFiles).Append(" more");
            }

            return sb.ToString();
        }
    }
}
