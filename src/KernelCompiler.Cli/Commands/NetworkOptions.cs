using System.CommandLine;

namespace KernelCompiler.Cli.Commands
{
    /// <summary>Options the existing verbs take for network files.</summary>
    internal static class NetworkOptions
    {
        /// <summary><c>--exact</c>: the exact network to compare a network file with.</summary>
        public static Option<string> Exact() => new("--exact")
        {
            Description = "For a network file: the exact network it approximates (the .onnx file it was imported from, or an all-dense network file), to report its accuracy and the NMSE of the final outputs. Default: the .onnx file the network file records, if it is there unchanged.",
            HelpName = "model.onnx",
        };

        /// <summary>The value of an option a single-layer model needs although a network file does not.</summary>
        public static string Require(string? value, string name)
            => value ?? throw new UsageException("Option '" + name + "' is required.");
    }
}
