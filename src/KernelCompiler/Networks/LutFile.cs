// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System;
using System.IO;
using System.Text;
using KernelCompiler.IO;

namespace KernelCompiler
{
    /// <summary>
    /// What a <c>*.lut.json</c> file holds, read without knowing its kind in advance: a version-1 file is one layer
    /// (<see cref="Model"/>), a version-2 file is a network (<see cref="Network"/>). Exactly one of them is set.
    /// </summary>
    public sealed class LutFile
    {
        private LutFile(LutModel? model, LutNetwork? network)
        {
            Model = model;
            Network = network;
        }

        /// <summary>The single-layer model of a version-1 file, or null.</summary>
        public LutModel? Model { get; }

        /// <summary>The network of a version-2 file, or null.</summary>
        public LutNetwork? Network { get; }

        /// <summary>Whether the file held a network.</summary>
        public bool IsNetwork => Network is not null;

        /// <summary>The network, or for a version-1 file a one-layer network around its model
        /// (<see cref="LutNetwork.FromModel"/>).</summary>
        /// <returns>The network.</returns>
        public LutNetwork ToNetwork() => Network ?? LutNetwork.FromModel(Model!);

        /// <summary>Reads and validates a model or network file; a network's relative source path is resolved against
        /// the file's folder (<see cref="NetworkSource"/>).</summary>
        /// <param name="path">The file.</param>
        /// <returns>What it holds.</returns>
        /// <exception cref="LutModelException">The file is missing, unreadable, larger than
        /// <see cref="LutModelLimits.MaxFileBytes"/>, malformed or invalid.</exception>
        public static LutFile Load(string path)
        {
            if (path is null) throw new ArgumentNullException(nameof(path));
            string text;
            try
            {
                var info = new FileInfo(path);
                if (!info.Exists)
                {
                    throw new LutModelException(path, "$", "the file does not exist");
                }

                if (info.Length > LutModelLimits.MaxFileBytes)
                {
                    throw new LutModelException(path, "$", "the file has " + info.Length + " bytes; the limit is " +
                        LutModelLimits.MaxFileBytes);
                }

                text = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new LutModelException(path, "$", "cannot be read: " + e.Message, e);
            }

            LutFile read = Parse(text, path);
            // A source path relative to the file means relative to its folder, wherever the caller's directory is.
            return read.Network?.Source is NetworkSource source && !NetworkSource.IsFullyQualified(source.OnnxPath)
                ? new LutFile(null, read.Network.WithSource(source.Resolved(path)))
                : read;
        }

        /// <summary>Reads and validates a model or network document from a stream (UTF-8), read to its end.</summary>
        /// <param name="stream">The document.</param>
        /// <param name="sourceName">Named in error messages, or null.</param>
        /// <returns>What it holds.</returns>
        /// <exception cref="LutModelException">The document is larger than <see cref="LutModelLimits.MaxFileBytes"/>,
        /// cannot be read, or is malformed or invalid.</exception>
        public static LutFile Load(Stream stream, string? sourceName = null)
        {
            if (stream is null) throw new ArgumentNullException(nameof(stream));
            string text;
            try
            {
                using (var buffer = new MemoryStream())
                {
                    var chunk = new byte[81920];
                    int read;
                    while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
                    {
                        if (buffer.Length + read > LutModelLimits.MaxFileBytes)
                        {
                            throw new LutModelException(sourceName, "$", "the document has more than " + LutModelLimits.MaxFileBytes +
                                " bytes, the limit");
                        }

                        buffer.Write(chunk, 0, read);
                    }

                    text = new UTF8Encoding(false, true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
                }
            }
            catch (Exception e) when (e is IOException or DecoderFallbackException or NotSupportedException or ObjectDisposedException)
            {
                throw new LutModelException(sourceName, "$", "cannot be read: " + e.Message, e);
            }

            // A byte-order mark is not part of the JSON text.
            if (text.Length > 0 && text[0] == '\uFEFF')
            {
                text = text.Substring(1);
            }

            return Parse(text, sourceName);
        }

        /// <summary>Reads a <c>[LutKernel]</c> file as the source generator does: a network when it declares version 2 and
        /// a kind (the documents the model loader sends to the network loader), else a model, so a broken model file
        /// keeps the model loader's message (e.g. "version 99 is not supported").</summary>
        internal static LutFile ParseKernelFile(string json, string? sourceName)
        {
            if (json is null) throw new ArgumentNullException(nameof(json));
            JsonNode root = JsonParser.Parse(json, sourceName);
            bool network = root.Kind == JsonKind.Object && root.Property("version") is JsonNode v && v.Kind == JsonKind.Number &&
                v.Text == "2" && root.Property("kind") is not null;
            return network
                ? new LutFile(null, LutNetworkReader.Read(root, sourceName))
                : new LutFile(LutModelReader.Read(root, sourceName), null);
        }

        /// <summary>Parses and validates a model or network document held in a string.</summary>
        /// <param name="json">The document.</param>
        /// <param name="sourceName">Named in error messages, or null.</param>
        /// <returns>What it holds.</returns>
        /// <exception cref="LutModelException">The document is malformed or invalid.</exception>
        public static LutFile Parse(string json, string? sourceName = null)
        {
            if (json is null) throw new ArgumentNullException(nameof(json));
            JsonNode root = JsonParser.Parse(json, sourceName);
            if (LutNetworkReader.IsVersion1(root))
            {
                return new LutFile(LutModelReader.Read(root, sourceName), null);
            }

            return new LutFile(null, LutNetworkReader.Read(root, sourceName));
        }
    }
}
