using System;

namespace KernelCompiler
{
    /// <summary>
    /// The one exception <see cref="OnnxImporter"/> raises for a file it cannot turn into a network: unreadable,
    /// too large, not an ONNX model, malformed, or a graph outside the supported forms. The message names the file,
    /// the node (its name and op type) or the graph part at fault, what is wrong, and what is supported.
    /// </summary>
    public sealed class OnnxImportException : FormatException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="filePath">The ONNX file, or null when the model came from a stream.</param>
        /// <param name="location">The node (<c>node 'fc1' (Gemm)</c>) or graph part (<c>graph input 'x'</c>) at fault.</param>
        /// <param name="problem">What is wrong and what is supported.</param>
        /// <param name="nodeName">The node's name, when a node is at fault.</param>
        /// <param name="opType">The node's op type, when a node is at fault.</param>
        /// <param name="innerException">The underlying error, or null.</param>
        public OnnxImportException(string? filePath, string location, string problem, string? nodeName = null,
            string? opType = null, Exception? innerException = null)
            : base((filePath ?? "ONNX model") + ": " + location + ": " + problem, innerException)
        {
            FilePath = filePath;
            Location = location;
            Problem = problem;
            NodeName = nodeName;
            OpType = opType;
        }

        /// <summary>The ONNX file, or null when the model came from a stream without a name.</summary>
        public string? FilePath { get; }

        /// <summary>Where the problem is, e.g. <c>node 'fc1' (Gemm)</c>, <c>graph input 'x'</c> or <c>file</c>.</summary>
        public string Location { get; }

        /// <summary>What is wrong, without the file and location.</summary>
        public string Problem { get; }

        /// <summary>The name of the node at fault (empty if the node is unnamed), or null when no node is.</summary>
        public string? NodeName { get; }

        /// <summary>The op type of the node at fault, or null when no node is.</summary>
        public string? OpType { get; }
    }
}
