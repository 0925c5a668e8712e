using System;

namespace KernelCompiler.IO
{
    /// <summary>A .npy file that this library cannot read, with the file and the reason in the message.</summary>
    public sealed class NpyFormatException : FormatException
    {
        public NpyFormatException(string? filePath, string problem, Exception? innerException = null)
            : base((filePath ?? "npy") + ": " + problem, innerException)
        {
            FilePath = filePath;
            Problem = problem;
        }

        public string? FilePath { get; }

        public string Problem { get; }
    }
}
