using System;

namespace KernelCompiler.Cli
{
    /// <summary>A command line that parsed but asks for something impossible (exit code 2).</summary>
    internal sealed class UsageException : Exception
    {
        public UsageException(string message)
            : base(message)
        {
        }
    }
}
