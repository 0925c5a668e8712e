using Microsoft.CodeAnalysis;

namespace KernelCompiler.Generators
{
    /// <summary>The generator's diagnostics. Ids are stable: docs/generator.md documents each one.</summary>
    internal static class LutKernelDiagnostics
    {
        private const string Category = "KernelCompiler";

        public static readonly DiagnosticDescriptor ModelFileNotFound = new DiagnosticDescriptor(
            "LUTK001",
            "Model file not found",
            "Model file '{0}' for '{1}' is not among the project's AdditionalFiles: {2}",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
            description: "The [LutKernel] path is relative to the project directory and must name an AdditionalFiles item.");

        public static readonly DiagnosticDescriptor InvalidModel = new DiagnosticDescriptor(
            "LUTK002",
            "Invalid model file",
            "The model for '{0}' is invalid: {1}",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
            description: "The model file could not be read, parsed or validated; the message names the JSON path at fault.");

        public static readonly DiagnosticDescriptor NotStaticPartial = new DiagnosticDescriptor(
            "LUTK003",
            "Kernel class must be static partial",
            "'{0}' cannot receive a generated kernel: {1}",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
            description: "The generator adds members to the class, so it must be a static partial class and every type that contains it must be partial.");

        public static readonly DiagnosticDescriptor InvalidModelPath = new DiagnosticDescriptor(
            "LUTK004",
            "Model path must be a constant string",
            "The [LutKernel] argument on '{0}' must be a non-empty constant string naming the model file relative to the project: {1}",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor TableDriven = new DiagnosticDescriptor(
            "LUTK005",
            "Model too large to unroll",
            "Model '{0}' for '{1}' is too large to unroll, so a table-driven kernel was generated instead: {2}",
            Category, DiagnosticSeverity.Info, isEnabledByDefault: true,
            description: "The kernel is correct and equal to the reference; it reads its thresholds from tables instead of constants.");

        public static readonly DiagnosticDescriptor GeneratorFailed = new DiagnosticDescriptor(
            "LUTK006",
            "Kernel generation failed",
            "The KernelCompiler generator failed on '{0}': {1}",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
            description: "An unexpected error inside the generator; it is reported here instead of failing the compilation. Please report it.");

        public static readonly DiagnosticDescriptor[] All =
        {
            ModelFileNotFound, InvalidModel, NotStaticPartial, InvalidModelPath, TableDriven, GeneratorFailed,
        };

        public static DiagnosticDescriptor Find(string id)
        {
            foreach (DiagnosticDescriptor descriptor in All)
            {
                if (descriptor.Id == id)
                {
                    return descriptor;
                }
            }

            return GeneratorFailed;
        }
    }
}
