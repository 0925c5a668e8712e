using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace KernelCompiler.IO
{
    /// <summary>
    /// NumPy .npy files (format versions 1, 2 and 3): float32, float64, int32, int64 and uint8, either byte order,
    /// C or Fortran order. Everything else is refused with a <see cref="NpyFormatException"/> that says why; sizes in a
    /// header are checked against the file before anything is allocated.
    /// </summary>
    public static class NpyFile
    {
        private static readonly byte[] Magic = { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' };
        private const int MaxHeaderLength = 1 << 16;
        private const int MaxDimensions = 8;

        /// <summary>Reads a whole .npy file.</summary>
        /// <param name="path">The file.</param>
        /// <exception cref="FileNotFoundException">The file does not exist.</exception>
        /// <exception cref="NpyFormatException">The file cannot be read or is not a .npy file this library reads.</exception>
        public static NpyArray Read(string path)
        {
            if (path is null) throw new ArgumentNullException(nameof(path));
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                throw new FileNotFoundException(path + ": the file does not exist", path);
            }

            try
            {
                using FileStream stream = File.OpenRead(path);
                return Read(stream, path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new NpyFormatException(path, "cannot be read: " + e.Message, e);
            }
        }

        /// <summary>Reads a .npy document from a seekable or non-seekable stream.</summary>
        /// <param name="stream">The stream, positioned at the magic string; left open.</param>
        /// <param name="sourceName">Named in error messages, e.g. the file the stream came from.</param>
        /// <exception cref="NpyFormatException">The document is not a .npy file this library reads.</exception>
        public static NpyArray Read(Stream stream, string? sourceName = null)
        {
            if (stream is null) throw new ArgumentNullException(nameof(stream));
            Span<byte> prefix = stackalloc byte[8];
            if (ReadFully(stream, prefix) < 8 || !prefix.Slice(0, 6).SequenceEqual(Magic))
            {
                throw new NpyFormatException(sourceName, "not a .npy file (missing the \\x93NUMPY magic string)");
            }

            int major = prefix[6];
            if (major is < 1 or > 3)
            {
                throw new NpyFormatException(sourceName, "format version " + major + "." + prefix[7] + " is not supported; expected 1.0, 2.0 or 3.0");
            }

            Span<byte> lengthBytes = stackalloc byte[major == 1 ? 2 : 4];
            if (ReadFully(stream, lengthBytes) < lengthBytes.Length)
            {
                throw new NpyFormatException(sourceName, "the file ends inside the header");
            }

            long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(lengthBytes) : BinaryPrimitives.ReadUInt32LittleEndian(lengthBytes);
            if (headerLength > MaxHeaderLength)
            {
                throw new NpyFormatException(sourceName, "header length " + headerLength + " exceeds the limit of " + MaxHeaderLength);
            }

            var headerBytes = new byte[headerLength];
            if (ReadFully(stream, headerBytes) < headerLength)
            {
                throw new NpyFormatException(sourceName, "the file ends inside the header");
            }

            string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);
            (string descr, bool fortran, int[] shape) = ParseHeader(header, sourceName);
            (NpyDataType type, bool bigEndian) = ParseDescr(descr, sourceName);

            long count = 1;
            foreach (int dim in shape)
            {
                count *= dim;
                if (count > int.MaxValue)
                {
                    throw new NpyFormatException(sourceName, "shape " + NpyArray.ShapeText(shape) + " has more than " + int.MaxValue + " elements");
                }
            }

            long bytes = count * NpyArray.ElementSize(type);
            if (!stream.CanSeek)
            {
                // A pipe has no length to check the header against: refuse what no array can hold before reading it all.
                if (bytes > Array.MaxLength)
                {
                    throw new NpyFormatException(sourceName, "the header declares shape " + NpyArray.ShapeText(shape) + " of " + descr +
                        " (" + bytes + " bytes), larger than one array can hold");
                }

                // Buffer what is really there (at most one byte more than declared), so a lying header cannot make us
                // allocate more than the stream holds.
                var buffered = new MemoryStream();
                var chunk = new byte[1 << 16];
                while (buffered.Length <= bytes)
                {
                    int n = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, bytes + 1 - buffered.Length));
                    if (n == 0) break;
                    buffered.Write(chunk, 0, n);
                }

                buffered.Position = 0;
                stream = buffered;
            }

            if (stream.CanSeek)
            {
                long remaining = stream.Length - stream.Position;
                if (remaining < bytes)
                {
                    throw new NpyFormatException(sourceName, "the header declares shape " + NpyArray.ShapeText(shape) + " of " + descr + " (" + bytes +
                        " bytes) but the file holds only " + remaining + " bytes of data");
                }

                if (remaining > bytes)
                {
                    throw new NpyFormatException(sourceName, "the file holds " + (remaining - bytes) + " bytes after the " + bytes + " bytes of data its header declares");
                }
            }

            if (bytes > Array.MaxLength)
            {
                throw new NpyFormatException(sourceName, "the data (" + bytes + " bytes) is larger than one array can hold");
            }

            var data = new byte[bytes];
            int read = ReadFully(stream, data);
            if (read < bytes)
            {
                throw new NpyFormatException(sourceName, "the header declares " + bytes + " bytes of data but the file holds only " + read);
            }

            if (bigEndian)
            {
                int size = NpyArray.ElementSize(type);
                for (int i = 0; i < data.Length; i += size)
                {
                    data.AsSpan(i, size).Reverse();
                }
            }

            if (fortran && shape.Length > 1)
            {
                data = FortranToC(data, shape, NpyArray.ElementSize(type));
            }

            return new NpyArray(sourceName, type, shape, data);
        }

        /// <summary>Writes float32 values in C order as a version-1 .npy file, through a temporary file so a
        /// reader never sees half an array.</summary>
        /// <param name="path">The file to write or replace.</param>
        /// <param name="values">The values, C order.</param>
        /// <param name="shape">The dimensions; their product must be the number of values.</param>
        public static void Write(string path, ReadOnlySpan<float> values, params int[] shape)
        {
            if (path is null) throw new ArgumentNullException(nameof(path));
            byte[] document = Document("<f4", shape, values.Length, SingleBytes(values));
            WriteThroughTemporaryFile(path, stream => stream.Write(document), File.Delete);
        }

        /// <summary>Writes int32 values in C order as a version-1 .npy file, through a temporary file.</summary>
        /// <param name="path">The file to write or replace.</param>
        /// <param name="values">The values, C order.</param>
        /// <param name="shape">The dimensions; their product must be the number of values.</param>
        public static void Write(string path, ReadOnlySpan<int> values, params int[] shape)
        {
            if (path is null) throw new ArgumentNullException(nameof(path));
            byte[] document = Document("<i4", shape, values.Length, Int32Bytes(values));
            WriteThroughTemporaryFile(path, stream => stream.Write(document), File.Delete);
        }

        /// <summary>Writes float32 values in C order as a version-1 .npy document to <paramref name="stream"/>.</summary>
        /// <param name="stream">A writable stream; left open.</param>
        /// <param name="values">The values, C order.</param>
        /// <param name="shape">The dimensions; their product must be the number of values.</param>
        public static void Write(Stream stream, ReadOnlySpan<float> values, params int[] shape)
        {
            if (stream is null) throw new ArgumentNullException(nameof(stream));
            stream.Write(Document("<f4", shape, values.Length, SingleBytes(values)));
        }

        /// <summary>Writes int32 values in C order as a version-1 .npy document to <paramref name="stream"/>.</summary>
        /// <param name="stream">A writable stream; left open.</param>
        /// <param name="values">The values, C order.</param>
        /// <param name="shape">The dimensions; their product must be the number of values.</param>
        public static void Write(Stream stream, ReadOnlySpan<int> values, params int[] shape)
        {
            if (stream is null) throw new ArgumentNullException(nameof(stream));
            stream.Write(Document("<i4", shape, values.Length, Int32Bytes(values)));
        }

        private static byte[] SingleBytes(ReadOnlySpan<float> values)
        {
            var data = new byte[checked(values.Length * 4)];
            for (int i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), values[i]);
            }

            return data;
        }

        private static byte[] Int32Bytes(ReadOnlySpan<int> values)
        {
            var data = new byte[checked(values.Length * 4)];
            for (int i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(4 * i), values[i]);
            }

            return data;
        }

        // The whole document: magic, version 1.0, header padded to a multiple of 64 bytes, data.
        private static byte[] Document(string descr, int[] shape, int length, byte[] data)
        {
            if (shape is null || shape.Length == 0) throw new ArgumentException("A shape with at least one dimension is required.", nameof(shape));
            long product = 1;
            foreach (int dim in shape)
            {
                if (dim < 0) throw new ArgumentException("Shape dimensions cannot be negative.", nameof(shape));
                product *= dim;
            }

            if (product != length)
            {
                throw new ArgumentException("Shape " + NpyArray.ShapeText(shape) + " holds " + product + " values, not " + length + ".", nameof(shape));
            }

            string dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + NpyArray.ShapeText(shape) + ", }";
            int unpadded = Magic.Length + 2 + 2 + dict.Length + 1;
            string header = dict + new string(' ', (64 - unpadded % 64) % 64) + "\n";
            var document = new MemoryStream(10 + header.Length + data.Length);
            document.Write(Magic);
            document.WriteByte(1);
            document.WriteByte(0);
            Span<byte> len = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
            document.Write(len);
            document.Write(Encoding.ASCII.GetBytes(header));
            document.Write(data);
            return document.ToArray();
        }

        /// <summary>Writes a temporary file beside <paramref name="path"/> and moves it over the target. On failure
        /// the temporary file is deleted with <paramref name="deleteTemporary"/> (a parameter so tests can make it
        /// fail); a failure of that cleanup never replaces the exception that made it necessary.</summary>
        internal static void WriteThroughTemporaryFile(string path, Action<FileStream> write, Action<string> deleteTemporary)
        {
            string full = Path.GetFullPath(path);
            string temp = full + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp";
            try
            {
                using (FileStream stream = File.Create(temp))
                {
                    write(stream);
                }

                File.Move(temp, full, overwrite: true);
            }
            catch
            {
                try
                {
                    deleteTemporary(temp);
                }
                catch (Exception)
                {
                    // Whatever the cleanup hit, the write's own exception says what went wrong; a temporary file left
                    // behind is the lesser problem.
                }

                throw;
            }
        }

        private static (string Descr, bool Fortran, int[] Shape) ParseHeader(string header, string? source)
        {
            // The header is a Python dict literal: {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
            string? descr = null;
            bool? fortran = null;
            int[]? shape = null;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            int pos = 0;
            Skip(header, ref pos);
            Expect(header, ref pos, '{', source);
            while (true)
            {
                Skip(header, ref pos);
                if (pos < header.Length && header[pos] == '}') break;
                string key = ReadQuoted(header, ref pos, source);
                if (!seen.Add(key))
                {
                    // Python keeps the last of two equal keys, other readers the first: refuse rather than guess.
                    throw Bad(source, "the key '" + key + "' appears twice; expected each of 'descr', 'fortran_order' and 'shape' once");
                }

                Skip(header, ref pos);
                Expect(header, ref pos, ':', source);
                Skip(header, ref pos);
                switch (key)
                {
                    case "descr":
                        descr = ReadQuoted(header, ref pos, source);
                        break;
                    case "fortran_order":
                        if (string.CompareOrdinal(header, pos, "True", 0, 4) == 0) { fortran = true; pos += 4; }
                        else if (string.CompareOrdinal(header, pos, "False", 0, 5) == 0) { fortran = false; pos += 5; }
                        else throw Bad(source, "'fortran_order' must be True or False");
                        break;
                    case "shape":
                        shape = ReadShape(header, ref pos, source);
                        break;
                    default:
                        throw Bad(source, "unexpected key '" + key + "' in the header");
                }

                Skip(header, ref pos);
                if (pos < header.Length && header[pos] == ',') pos++;
                else if (pos < header.Length && header[pos] == '}') break;
                else throw Bad(source, "expected ',' or '}' in the header");
            }

            if (descr is null) throw Bad(source, "the header has no 'descr'");
            if (fortran is null) throw Bad(source, "the header has no 'fortran_order'");
            if (shape is null) throw Bad(source, "the header has no 'shape'");
            return (descr, fortran.Value, shape);
        }

        private static int[] ReadShape(string header, ref int pos, string? source)
        {
            Expect(header, ref pos, '(', source);
            var dims = new List<int>();
            while (true)
            {
                Skip(header, ref pos);
                if (pos < header.Length && header[pos] == ')') { pos++; break; }
                int start = pos;
                while (pos < header.Length && char.IsAsciiDigit(header[pos])) pos++;
                if (pos == start || !int.TryParse(header.AsSpan(start, pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out int dim))
                {
                    throw Bad(source, "'shape' must be a tuple of non-negative integers below 2^31");
                }

                dims.Add(dim);
                if (dims.Count > MaxDimensions) throw Bad(source, "'shape' has more than " + MaxDimensions + " dimensions");
                Skip(header, ref pos);
                if (pos < header.Length && header[pos] == ',') pos++;
                else if (pos < header.Length && header[pos] == ')') { pos++; break; }
                else throw Bad(source, "expected ',' or ')' after dimension " + dim + " in 'shape' (a tuple such as (3, 4) or (3,))");
            }

            return dims.ToArray();
        }

        private static (NpyDataType Type, bool BigEndian) ParseDescr(string descr, string? source)
        {
            if (descr.Length >= 2)
            {
                char order = descr[0];
                bool big = order == '>';
                string kind = descr.Substring(1);
                if (order is '<' or '>' or '|' or '=')
                {
                    NpyDataType? type = kind switch
                    {
                        "f4" => NpyDataType.Float32,
                        "f8" => NpyDataType.Float64,
                        "i4" => NpyDataType.Int32,
                        "i8" => NpyDataType.Int64,
                        "u1" => NpyDataType.UInt8,
                        _ => null,
                    };
                    if (type is not null && !(order == '=' && !BitConverter.IsLittleEndian))
                    {
                        return (type.Value, big && type != NpyDataType.UInt8);
                    }
                }
            }

            throw Bad(source, "element type '" + descr + "' is not supported; expected float32 (<f4), float64 (<f8), int32 (<i4), int64 (<i8) or uint8 (|u1)");
        }

        private static byte[] FortranToC(byte[] data, int[] shape, int size)
        {
            // Fortran order is C order of the reversed shape: transpose by mapping each C index to its Fortran offset.
            var result = new byte[data.Length];
            int dims = shape.Length;
            var index = new int[dims];
            var fortranStride = new long[dims];
            long stride = 1;
            for (int i = 0; i < dims; i++)
            {
                fortranStride[i] = stride;
                stride *= shape[i];
            }

            long count = data.Length / size;
            for (long c = 0; c < count; c++)
            {
                long f = 0;
                for (int i = 0; i < dims; i++) f += index[i] * fortranStride[i];
                Buffer.BlockCopy(data, (int)(f * size), result, (int)(c * size), size);
                for (int i = dims - 1; i >= 0; i--)
                {
                    if (++index[i] < shape[i]) break;
                    index[i] = 0;
                }
            }

            return result;
        }

        private static string ReadQuoted(string text, ref int pos, string? source)
        {
            if (pos >= text.Length || (text[pos] != '\'' && text[pos] != '"')) throw Bad(source, "expected a quoted string in the header");
            char quote = text[pos++];
            int start = pos;
            while (pos < text.Length && text[pos] != quote) pos++;
            if (pos >= text.Length) throw Bad(source, "unterminated string in the header");
            return text.Substring(start, pos++ - start);
        }

        private static void Expect(string text, ref int pos, char ch, string? source)
        {
            if (pos >= text.Length || text[pos] != ch) throw Bad(source, "expected '" + ch + "' in the header");
            pos++;
        }

        private static void Skip(string text, ref int pos)
        {
            while (pos < text.Length && char.IsWhiteSpace(text[pos])) pos++;
        }

        private static NpyFormatException Bad(string? source, string problem) => new NpyFormatException(source, "invalid header: " + problem);

        private static int ReadFully(Stream stream, Span<byte> buffer)
        {
            int total = 0;
            while (total < buffer.Length)
            {
                int n = stream.Read(buffer.Slice(total));
                if (n == 0) break;
                total += n;
            }

            return total;
        }
    }
}
