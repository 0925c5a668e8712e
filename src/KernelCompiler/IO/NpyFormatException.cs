using System;

namespace KernelCompiler.IO
{
    /// <summary>A .npy file that this library cannot read, with the file and the reason in the message.</summary>
    public sealed class NpyFormatException : FormatException
    {
        /// <summary>Creates the exception for <paramref name="filePath"/>.</summary>
        /// <param name="filePath">The file, or null when the data came from a stream without a name.</param>
        /// <param name="problem">What is wrong with it.</param>
        /// <param name="innerException">The exception that revealed the problem, if any.</param>
        public NpyFormatException(string? filePath, string problem, Exception? innerException = null)
            : base((filePath ?? "npy") + ": " + problem, innerException)
        {
            FilePath = filePath;
            Problem = problem;
        }

        /// <summary>The file, or null when the data came from a stream without a name.</summary>
        public string? FilePath { get; }

        /// <summary>What is wrong, without the file name.</summary>
        public string Problem { get; }
    }
}
