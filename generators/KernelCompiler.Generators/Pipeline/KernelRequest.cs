namespace KernelCompiler.Generators.Pipeline
{
    /// <summary>A declaration with its model file resolved among the AdditionalFiles: <see cref="ResolvedPath"/> is
    /// the file's normalised path, or null and <see cref="MissingReason"/> says what was looked for and what exists.</summary>
    internal sealed record KernelRequest(KernelDeclaration Declaration, string? ResolvedPath, string? MissingReason);

    /// <summary>The text of one AdditionalFiles item that some kernel asks for.</summary>
    internal sealed record ModelText(string Path, string? Text);

    /// <summary>A request with its model text (null when the file could not be read or was not found).</summary>
    internal sealed record KernelInput(KernelRequest Request, string? Text);

    /// <summary>A problem found while building a kernel; located at the attribute when reported.</summary>
    internal sealed record KernelProblem(string Id, EquatableArray<string> Arguments);

    /// <summary>The generated file (or null when none could be made) and the problems met on the way.</summary>
    internal sealed record KernelResult(KernelDeclaration Declaration, string HintName, string? Source,
        EquatableArray<KernelProblem> Problems);
}
