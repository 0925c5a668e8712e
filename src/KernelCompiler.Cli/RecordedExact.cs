using System;
using System.IO;

namespace KernelCompiler.Cli
{
    /// <summary>The exact network a network file records as its source (<see cref="LutNetwork.Source"/>), for verbs
    /// that compare with it when no <c>--exact</c> is given: loaded only when the file is there and its SHA-256 is the
    /// recorded one; otherwise a one-line warning says why not and how to pass it.</summary>
    internal static class RecordedExact
    {
        /// <summary>The recorded exact network, or null with <paramref name="warning"/> set (a file that is missing,
        /// unreadable, too large or changed since the import). <paramref name="path"/> is where it was looked for.</summary>
        /// <exception cref="OnnxImportException">The file has the recorded bytes but does not import (a file this
        /// version of kernelc cannot read although an earlier one wrote the record).</exception>
        public static LutNetwork? TryLoad(string modelPath, NetworkSource source, out string path, out string? warning)
        {
            path = source.ResolvePath(modelPath);
            string pass = "; pass --exact model.onnx to compare with the exact network";
            string records = modelPath + " records its exact network as " + path;
            byte[] bytes;
            try
            {
                var info = new FileInfo(path);
                if (!info.Exists)
                {
                    warning = records + ", which is missing" + pass;
                    return null;
                }

                if (info.Length > OnnxImportLimits.MaxFileBytes)
                {
                    warning = records + ", which has " + info.Length + " bytes, more than the ONNX import limit of " +
                        OnnxImportLimits.MaxFileBytes + pass;
                    return null;
                }

                bytes = ReadDeclaredLength(path, info.Length);
                if (bytes.Length > info.Length)
                {
                    // A device or a file still growing: never read more than a regular file of that size holds.
                    warning = records + ", which is not a regular file of " + info.Length + " bytes" + pass;
                    return null;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                warning = records + ", which cannot be read (" + e.Message + ")" + pass;
                return null;
            }

            string actual = NetworkSource.ComputeSha256(bytes);
            if (actual != source.Sha256)
            {
                warning = records + ", which has changed since: its SHA-256 is " + actual + ", the network file records " +
                    source.Sha256 + pass;
                return null;
            }

            warning = null;
            using var stream = new MemoryStream(bytes, writable: false);
            return OnnxImporter.Import(stream, path);
        }

        // At most length + 1 bytes: the network file names the path, so a path to /dev/zero must not read forever.
        private static byte[] ReadDeclaredLength(string path, long length)
        {
            var buffer = new byte[length + 1];
            int total = 0, read;
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
            {
                while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
                {
                    total += read;
                }
            }

            Array.Resize(ref buffer, total);
            return buffer;
        }
    }
}
