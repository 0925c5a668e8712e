// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System;

namespace KernelCompiler
{
    /// <summary>
    /// The one exception a model file can raise: it names the file, the JSON path of the field at fault, the
    /// value found and what was expected.
    /// </summary>
    public sealed class LutModelException : FormatException
    {
        /// <summary>Creates the exception for a problem at <paramref name="jsonPath"/> of a model.</summary>
        /// <param name="filePath">The model file, or null when the model came from a string or from code.</param>
        /// <param name="jsonPath">Where in the document the problem is.</param>
        /// <param name="problem">What is wrong: the value found and what was expected.</param>
        public LutModelException(string? filePath, string jsonPath, string problem)
            : base(Compose(filePath, jsonPath, problem))
        {
            FilePath = filePath;
            JsonPath = jsonPath;
            Problem = problem;
        }

        /// <summary>Creates the exception for a problem at <paramref name="jsonPath"/> of a model, caused by
        /// <paramref name="innerException"/>.</summary>
        /// <param name="filePath">The model file, or null when the model came from a string or from code.</param>
        /// <param name="jsonPath">Where in the document the problem is.</param>
        /// <param name="problem">What is wrong: the value found and what was expected.</param>
        /// <param name="innerException">The exception that revealed the problem.</param>
        public LutModelException(string? filePath, string jsonPath, string problem, Exception innerException)
            : base(Compose(filePath, jsonPath, problem), innerException)
        {
            FilePath = filePath;
            JsonPath = jsonPath;
            Problem = problem;
        }

        /// <summary>The model file, or null when the model came from a string or from code.</summary>
        public string? FilePath { get; }

        /// <summary>Where in the document the problem is, e.g. <c>$.codebooks[3].splitDimensions[2]</c>.</summary>
        public string JsonPath { get; }

        /// <summary>What is wrong, without the file and path.</summary>
        public string Problem { get; }

        private static string Compose(string? filePath, string jsonPath, string problem)
            => (filePath is null ? "model" : filePath) + ": " + jsonPath + ": " + problem;
    }
}
