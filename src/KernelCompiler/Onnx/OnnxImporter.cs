using System;
using System.IO;
using Google.Protobuf;
using Onnx;

namespace KernelCompiler
{
    /// <summary>
    /// Imports a trained ONNX network as an all-dense, exact <see cref="LutNetwork"/> (docs/onnx-import.md).
    /// Supported graphs are one chain from the single input to the single output of: <c>Gemm</c> (any alpha and beta,
    /// transA = 0, transB 0 or 1), <c>MatMul</c> with a constant right operand optionally followed by <c>Add</c> of a
    /// constant bias, <c>Relu</c>, <c>Flatten</c>, <c>Reshape</c> to [batch, D], <c>Identity</c>, <c>Dropout</c>
    /// (inference) and a trailing <c>Softmax</c> or <c>LogSoftmax</c> over the last axis (recorded as
    /// <see cref="LutNetwork.OutputTransform"/>). Weights come from initializers or <c>Constant</c> nodes and must be
    /// float32 and finite; the batch axis may have any name or size. Anything else is refused with one
    /// <see cref="OnnxImportException"/> naming the node and its op type: never a partial network.
    /// </summary>
    public static class OnnxImporter
    {
        /// <summary>Imports the network in an ONNX file.</summary>
        /// <param name="path">The <c>.onnx</c> file.</param>
        /// <returns>The exact network; its <see cref="LutNetwork.Source"/> records the file's full path and the SHA-256 of
        /// the bytes read (networks calibrated from it keep that record).</returns>
        /// <exception cref="OnnxImportException">The file is missing, unreadable, larger than
        /// <see cref="OnnxImportLimits.MaxFileBytes"/>, not a valid ONNX model, or outside the supported forms.</exception>
        public static LutNetwork Import(string path)
        {
            if (path is null) throw new ArgumentNullException(nameof(path));
            byte[] bytes;
            try
            {
                var info = new FileInfo(path);
                if (!info.Exists)
                {
                    throw new OnnxImportException(path, "file", "the file does not exist");
                }

                if (info.Length > OnnxImportLimits.MaxFileBytes)
                {
                    throw new OnnxImportException(path, "file", "the file has " + info.Length + " bytes; the limit is " +
                        OnnxImportLimits.MaxFileBytes);
                }

                bytes = File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new OnnxImportException(path, "file", "cannot be read: " + e.Message, innerException: e);
            }

            LutNetwork network = Import(bytes, path, Path.GetFileNameWithoutExtension(path));
            return NetworkSource.ForFile(path, bytes) is NetworkSource source ? network.WithSource(source) : network;
        }

        /// <summary>Imports the network in an ONNX model read from <paramref name="stream"/> to its end.</summary>
        /// <param name="stream">The serialized <c>ModelProto</c>.</param>
        /// <param name="sourceName">Named in error messages and used as the network's name when the graph has none.</param>
        /// <returns>The exact network, with no <see cref="LutNetwork.Source"/> (a stream names no file to record).</returns>
        /// <exception cref="OnnxImportException">The stream is longer than <see cref="OnnxImportLimits.MaxFileBytes"/>,
        /// cannot be read, or holds no valid ONNX model in the supported forms.</exception>
        public static LutNetwork Import(Stream stream, string? sourceName = null)
        {
            if (stream is null) throw new ArgumentNullException(nameof(stream));
            byte[] bytes;
            try
            {
                using (var buffer = new MemoryStream())
                {
                    var chunk = new byte[81920];
                    int read;
                    while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
                    {
                        if (buffer.Length + read > OnnxImportLimits.MaxFileBytes)
                        {
                            throw new OnnxImportException(sourceName, "file", "the model has more than " +
                                OnnxImportLimits.MaxFileBytes + " bytes, the limit");
                        }

                        buffer.Write(chunk, 0, read);
                    }

                    bytes = buffer.ToArray();
                }
            }
            catch (Exception e) when (e is IOException or NotSupportedException or ObjectDisposedException)
            {
                throw new OnnxImportException(sourceName, "file", "cannot be read: " + e.Message, innerException: e);
            }

            return Import(bytes, sourceName, sourceName is null ? null : Path.GetFileNameWithoutExtension(sourceName));
        }

        private static LutNetwork Import(byte[] bytes, string? file, string? fallbackName)
        {
            ModelProto model;
            try
            {
                model = ModelProto.Parser.ParseFrom(bytes);
            }
            catch (Exception e) when (e is InvalidProtocolBufferException or ArgumentException or InvalidOperationException
                or IndexOutOfRangeException or OverflowException or FormatException)
            {
                throw new OnnxImportException(file, "file", "is not a valid ONNX model (protobuf ModelProto): " + e.Message,
                    innerException: e);
            }

            return new OnnxGraphReader(file, model, fallbackName).Read();
        }
    }
}
