namespace KernelCompiler.Generators.Pipeline
{
    /// <summary>What the generated file must declare, as the user's source says it: no symbols, no syntax, no
    /// locations, so an edit elsewhere in the file leaves it equal and nothing downstream runs again.</summary>
    /// <param name="Namespace">The namespace, or null for the global namespace.</param>
    /// <param name="ClassName">The class name.</param>
    /// <param name="Accessibility"><c>public</c> or <c>internal</c>.</param>
    /// <param name="ModelPath">The attribute's argument as written.</param>
    /// <param name="AllowUnsafeBlocks">Whether the project allows unsafe code (the writer adds
    /// <c>[SkipLocalsInit]</c> only then).</param>
    internal sealed record KernelDeclaration(
        string? Namespace,
        string ClassName,
        string Accessibility,
        string ModelPath,
        bool AllowUnsafeBlocks = false)
    {
        /// <summary>A file name unique in the compilation: the class's full name.</summary>
        public string HintName { get; init; } = "";

        /// <summary>The class as C# code names it from outside, for messages.</summary>
        public string DisplayName { get; init; } = "";
    }
}
