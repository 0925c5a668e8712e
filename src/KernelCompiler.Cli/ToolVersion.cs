using System.Reflection;

namespace KernelCompiler.Cli
{
    internal static class ToolVersion
    {
        /// <summary>The informational version of kernelc, e.g. "0.1.0".</summary>
        public static string Text { get; } =
            typeof(ToolVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(ToolVersion).Assembly.GetName().Version?.ToString(3)
            ?? "0.0.0";

        /// <summary>What kernelc writes as a model's producer.</summary>
        public static string Producer => "kernelc " + Text;
    }
}
