namespace KernelCompiler.Emit
{
    /// <summary>Just enough of C#'s lexical rules to refuse a class or namespace name that would not compile (the
    /// generator takes its names from real declarations and needs no such check).</summary>
    internal static class CSharpNames
    {
        public static bool IsIdentifier(string text)
        {
            if (text.Length == 0 || !(char.IsLetter(text[0]) || text[0] == '_')) return false;
            foreach (char ch in text)
            {
                if (!(char.IsLetterOrDigit(ch) || ch == '_')) return false;
            }

            return true;
        }

        public static bool IsQualifiedName(string text)
        {
            foreach (string part in text.Split('.'))
            {
                if (!IsIdentifier(part)) return false;
            }

            return true;
        }
    }
}
