namespace KernelCompiler.Generators.Pipeline
{
    /// <summary>One <c>[LutKernel]</c> class as the syntax provider found it: the declaration to generate (null when
    /// the class cannot take generated code), where the attribute is, and what is wrong with the declaration.</summary>
    internal sealed record KernelTarget(
        KernelDeclaration? Declaration,
        LocationInfo? AttributeLocation,
        EquatableArray<DiagnosticInfo> Diagnostics);
}
