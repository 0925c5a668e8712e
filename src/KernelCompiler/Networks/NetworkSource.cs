// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace KernelCompiler
{
    /// <summary>
    /// Where the exact network a <see cref="LutNetwork"/> approximates came from: the ONNX file it was imported from
    /// and the SHA-256 of that file's bytes, so that a tool can find the exact network again and tell whether the file
    /// has changed since. A network file stores it as <c>$.source</c> (docs/model-format.md).
    /// </summary>
    /// <remarks>
    /// <see cref="LutNetwork.Save(string)"/> writes <see cref="OnnxPath"/> relative to the network file's folder when
    /// the ONNX file lies in that folder or below it (so the two can be moved together), else absolute;
    /// <see cref="LutNetwork.Load(string)"/> resolves a relative path against the network file's folder, so a network
    /// loaded from a file always has a full path here. A network read from a stream or a string keeps the path as
    /// written.
    /// </remarks>
    public sealed class NetworkSource
    {
        /// <summary>The most characters <see cref="OnnxPath"/> may have.</summary>
        public const int MaxPathLength = 4096;

        /// <summary>Records an ONNX file as the source of a network.</summary>
        /// <param name="onnxPath">The file's path: absolute, or relative to the folder of the network file that
        /// records it; 1 to <see cref="MaxPathLength"/> characters, no control characters.</param>
        /// <param name="sha256">The SHA-256 of the file's bytes: 64 lower-case hexadecimal digits.</param>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        /// <exception cref="LutModelException">A value breaks the rules above; the message names the field as it
        /// stands in the network file, <c>$.source.onnx</c> or <c>$.source.sha256</c>.</exception>
        public NetworkSource(string onnxPath, string sha256)
        {
            if (onnxPath is null) throw new ArgumentNullException(nameof(onnxPath));
            if (sha256 is null) throw new ArgumentNullException(nameof(sha256));
            Validate(null, onnxPath, sha256);
            OnnxPath = onnxPath;
            Sha256 = sha256;
        }

        /// <summary>The ONNX file's path: absolute, or relative to the network file's folder (see the remarks).</summary>
        public string OnnxPath { get; }

        /// <summary>The SHA-256 of the ONNX file's bytes when the network was imported, 64 lower-case hex digits.</summary>
        public string Sha256 { get; }

        /// <summary>The SHA-256 of <paramref name="bytes"/> as 64 lower-case hexadecimal digits.</summary>
        /// <param name="bytes">The file's contents.</param>
        /// <returns>The digest in hex.</returns>
        public static string ComputeSha256(ReadOnlySpan<byte> bytes)
        {
#if NETSTANDARD2_0
            throw new PlatformNotSupportedException(NotInGenerator);
#else
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(bytes, hash);
            return Convert.ToHexStringLower(hash);
#endif
        }

        /// <summary>Whether <paramref name="bytes"/> are the bytes the network was imported from.</summary>
        /// <param name="bytes">The contents of the file at <see cref="OnnxPath"/> now.</param>
        /// <returns>True when their SHA-256 equals <see cref="Sha256"/>.</returns>
        public bool Matches(ReadOnlySpan<byte> bytes) => ComputeSha256(bytes) == Sha256;

        /// <summary>The full path of the ONNX file: <see cref="OnnxPath"/> when it is absolute, else resolved against
        /// the folder of <paramref name="networkFilePath"/> (or the current directory when that is null).</summary>
        /// <param name="networkFilePath">The network file that records this source, or null.</param>
        /// <returns>A full path.</returns>
        public string ResolvePath(string? networkFilePath)
        {
            if (IsFullyQualified(OnnxPath) || networkFilePath is null)
            {
                return Path.GetFullPath(OnnxPath);
            }

            string folder = Path.GetDirectoryName(Path.GetFullPath(networkFilePath)) ?? "";
            return Path.GetFullPath(Path.Combine(folder, OnnxPath));
        }

        /// <summary>The path to write in a network file saved in <paramref name="networkFolder"/>: relative with '/'
        /// separators when the ONNX file lies in that folder or below it, else as it is.</summary>
        internal string PathForFolder(string networkFolder)
        {
            if (!IsFullyQualified(OnnxPath))
            {
                return OnnxPath;
            }

#if NETSTANDARD2_0
            throw new PlatformNotSupportedException(NotInGenerator);
#else
            string full = Path.GetFullPath(OnnxPath);
            string relative = Path.GetRelativePath(networkFolder, full);
            bool below = !IsFullyQualified(relative) && relative != ".." &&
                !relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) &&
                !relative.StartsWith("../", StringComparison.Ordinal);
            return below ? relative.Replace(Path.DirectorySeparatorChar, '/') : OnnxPath;
#endif
        }

        /// <summary>The record of a file read from <paramref name="path"/>: its full path and the digest of
        /// <paramref name="bytes"/>; null when the full path cannot be recorded (too long, control characters).</summary>
        internal static NetworkSource? ForFile(string path, ReadOnlySpan<byte> bytes)
        {
            string full = Path.GetFullPath(path);
            try
            {
                Validate(null, full, new string('0', 64));
            }
            catch (LutModelException)
            {
                return null;
            }

            return new NetworkSource(full, ComputeSha256(bytes));
        }

        /// <summary>Whether a path is fully qualified (<c>Path.IsPathFullyQualified</c>; the source generator, built for
        /// netstandard2.0 where that API is missing, reads network text and never resolves paths).</summary>
        internal static bool IsFullyQualified(string path)
#if NETSTANDARD2_0
            => throw new PlatformNotSupportedException(NotInGenerator);

        private const string NotInGenerator = "File paths and digests are the runtime library's business, not the source generator's.";
#else
            => Path.IsPathFullyQualified(path);
#endif

        /// <summary>The same source with its path resolved against the folder of <paramref name="networkFilePath"/>.</summary>
        internal NetworkSource Resolved(string networkFilePath)
        {
            string full = ResolvePath(networkFilePath);
            return full == OnnxPath || full.Length > MaxPathLength ? this : new NetworkSource(full, Sha256);
        }

        /// <summary>The rules of <c>$.source</c>; paths name the field in the network file.</summary>
        internal static void Validate(string? file, string onnxPath, string sha256)
        {
            if (onnxPath.Length == 0 || onnxPath.Length > MaxPathLength)
            {
                throw new LutModelException(file, "$.source.onnx", "has " + onnxPath.Length + " characters; expected 1 to " +
                    MaxPathLength);
            }

            for (int i = 0; i < onnxPath.Length; i++)
            {
                if (char.IsControl(onnxPath[i]))
                {
                    throw new LutModelException(file, "$.source.onnx", "character " + i + " is a control character (U+" +
                        ((int)onnxPath[i]).ToString("X4", System.Globalization.CultureInfo.InvariantCulture) +
                        "); expected a file path");
                }
            }

            LutModelValidator.ValidateText(file, "$.source.onnx", onnxPath);
            bool hex = sha256.Length == 64;
            for (int i = 0; hex && i < sha256.Length; i++)
            {
                char ch = sha256[i];
                hex = ch is (>= '0' and <= '9') or (>= 'a' and <= 'f');
            }

            if (!hex)
            {
                throw new LutModelException(file, "$.source.sha256", "value \"" + Shorten(sha256) +
                    "\" is invalid; expected 64 lower-case hexadecimal digits (the SHA-256 of the ONNX file)");
            }
        }

        private static string Shorten(string text)
        {
            var sb = new StringBuilder();
            foreach (char ch in text.Length > 80 ? text.Substring(0, 80) : text)
            {
                sb.Append(char.IsControl(ch) ? '?' : ch);
            }

            return text.Length > 80 ? sb.Append('…').ToString() : sb.ToString();
        }
    }
}
