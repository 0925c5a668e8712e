using System.Text;
using System.Text.RegularExpressions;

namespace KernelCompiler.Tests.Hardening;

/// <summary>One edit of a document: what kind, and two numbers that pick where and with what. Applied with
/// positions taken modulo the length, so any triple is a valid edit (CsCheck can shrink them freely).</summary>
public readonly record struct Mutation(int Kind, int A, int B)
{
    public const int Kinds = 10;
}

/// <summary>Hostile edits of a model document's text: byte flips, truncation, duplication, odd numbers and strings,
/// deep nesting, duplicate keys, odd Unicode.</summary>
public static partial class JsonMutator
{
    private static readonly char[] OddChars =
    [
        '\0', '"', '\\', '{', '}', '[', ']', ',', ':', '-', '+', '0', '9', 'e', 'E', '.', 'x', ' ', '\n', '\t',
        '\uD800', '\uDC00', '\uFFFF', '\uFEFF', '\u00E9', '\u2028', '\u0661', '\uFF11', '\u00A0', '\u0085',
    ];

    private static readonly string[] OddNumbers =
    [
        "1e999", "-1e999", "NaN", "Infinity", "-Infinity", "-0", "-0.0", "1.5", "-1", "0", "2147483647", "2147483648",
        "-2147483649", "4294967296", "9223372036854775807", "9223372036854775808", "99999999999999999999999999",
        "1e-50", "3.4028236e38", "3.4028235e38", "-3.4028236e38", "1.401298E-45", "0x10", "01", "+1", "1.", ".5", "1e",
        "1e+", "--1", "\"1\"", "null", "true", "false", "[]", "{}", "[1]", "\"\"",
        new string('9', 64), new string('9', 65), "1" + new string('0', 400),
    ];

    private static readonly string[] OddStrings =
    [
        "\"\"", "\"\\uD800\"", "\"\\u0000\"", "\"" + new string('a', 300) + "\"", "\"\\uZZZZ\"", "\"\\u12\"", "\"\\x41\"",
        "\"exact\"", "\"average\"", "\"kernelcompiler-lut\"", "\"ＡＢ\"", "\"0011223344556677889900aabbccddeeff\"",
        "\"00112233445566778899aabbccddeeff\"", "\"0g112233445566778899aabbccddeeff\"", "\"AAAA\"", "\"====\"", "1", "null",
        "[]", "{}", "\"\\\"", "\"a\nb\"",
    ];

    [GeneratedRegex(@"-?\d+(\.\d+)?([eE][+-]?\d+)?")]
    private static partial Regex NumberToken();

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex StringToken();

    public static string Apply(string text, IEnumerable<Mutation> mutations)
    {
        foreach (Mutation m in mutations) text = Apply(text, m);
        return text;
    }

    public static string Apply(string text, Mutation m)
    {
        int len = Math.Max(text.Length, 1);
        int at = Mod(m.A, len), b = Math.Abs(m.B % 1_000_000);
        switch (m.Kind % Mutation.Kinds)
        {
            case 0: // flip one character
                return text.Length == 0 ? text : text.Substring(0, at) + OddChars[b % OddChars.Length] + text.Substring(at + 1);
            case 1: // truncate
                return text.Substring(0, Math.Min(at, text.Length));
            case 2: // duplicate a range in place
            {
                int start = Math.Min(at, text.Length), count = Math.Min(b % 200 + 1, text.Length - start);
                return text.Insert(start, text.Substring(start, count));
            }
            case 3: // delete a range
            {
                int start = Math.Min(at, text.Length), count = Math.Min(b % 50 + 1, text.Length - start);
                return text.Remove(start, count);
            }
            case 4: // replace a number with a huge, fractional, non-finite or wrongly typed value
                return ReplaceToken(text, NumberToken(), m.A, OddNumbers[b % OddNumbers.Length]);
            case 5: // replace a string (a name, a hex table, base64) with an odd one
                return ReplaceToken(text, StringToken(), m.A, OddStrings[b % OddStrings.Length]);
            case 6: // deep nesting in place of a number
            {
                int[] depths = [31, 32, 33, 64, 1000, 100_000];
                int depth = depths[b % depths.Length];
                string nested = b % 2 == 0
                    ? new string('[', depth) + "1" + new string(']', depth)
                    : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
                return ReplaceToken(text, NumberToken(), m.A, nested);
            }
            case 7: // a duplicate key right after an opening brace
            {
                int brace = NthIndexOf(text, '{', m.A);
                string[] keys = ["name", "version", "splitDimensions", "thresholds", "steps", "format", "x"];
                return brace < 0 ? text : text.Insert(brace + 1, "\"" + keys[b % keys.Length] + "\":1,");
            }
            case 8: // insert a BOM, whitespace the parser must reject, or a stray value
            {
                string[] inserts = ["\uFEFF", "\u00A0", "\r\n", "/*c*/", ",", "[", "]", "}", "{", "\"", "0", "\\"];
                return text.Insert(Math.Min(at, text.Length), inserts[b % inserts.Length]);
            }
            default: // duplicate an array element (wrong lengths)
            {
                int bracket = NthIndexOf(text, '[', m.A);
                if (bracket < 0) return text;
                Match first = NumberToken().Match(text, bracket);
                return first.Success && first.Index == bracket + 1 ? text.Insert(bracket + 1, first.Value + ",") : text.Insert(bracket + 1, "0,");
            }
        }
    }

    private static string ReplaceToken(string text, Regex token, int pick, string replacement)
    {
        MatchCollection matches = token.Matches(text);
        if (matches.Count == 0) return text;
        Match match = matches[Mod(pick, matches.Count)];
        return text.Substring(0, match.Index) + replacement + text.Substring(match.Index + match.Length);
    }

    private static int NthIndexOf(string text, char ch, int pick)
    {
        int count = text.Count(c => c == ch);
        if (count == 0) return -1;
        int n = Mod(pick, count);
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == ch && n-- == 0) return i;
        }

        return -1;
    }

    private static int Mod(int value, int modulus) => (int)(((long)value % modulus + modulus) % modulus);

    /// <summary>For error messages: the text with control characters and long runs shortened.</summary>
    public static string Show(string text)
    {
        var sb = new StringBuilder();
        foreach (char ch in text.Length > 2000 ? text.Substring(0, 2000) + "…(" + text.Length + " chars)" : text)
        {
            sb.Append(ch < ' ' || char.IsSurrogate(ch) ? "\\u" + ((int)ch).ToString("X4") : ch.ToString());
        }

        return sb.ToString();
    }
}
