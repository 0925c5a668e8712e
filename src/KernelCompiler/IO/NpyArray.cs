using System;
using System.Buffers.Binary;
using System.Numerics.Tensors;

namespace KernelCompiler.IO
{
    /// <summary>Element types a .npy file may hold here.</summary>
    public enum NpyDataType
    {
        /// <summary>32-bit IEEE float (<c>&lt;f4</c>, <c>&gt;f4</c>).</summary>
        Float32,

        /// <summary>64-bit IEEE float (<c>&lt;f8</c>, <c>&gt;f8</c>).</summary>
        Float64,

        /// <summary>32-bit signed integer (<c>&lt;i4</c>, <c>&gt;i4</c>).</summary>
        Int32,

        /// <summary>64-bit signed integer (<c>&lt;i8</c>, <c>&gt;i8</c>).</summary>
        Int64,

        /// <summary>8-bit unsigned integer (<c>|u1</c>).</summary>
        UInt8,
    }

    /// <summary>
    /// An array read from a .npy file: its shape, element type and little-endian data in C (row-major) order
    /// (Fortran-ordered files are transposed on reading, so callers see one layout).
    /// </summary>
    public sealed class NpyArray
    {
        private readonly byte[] _data;

        internal NpyArray(string? source, NpyDataType dataType, int[] shape, byte[] data)
        {
            Source = source;
            DataType = dataType;
            Shape = shape;
            _data = data;
        }

        /// <summary>The file it came from, for error messages.</summary>
        public string? Source { get; }

        /// <summary>The element type stored in the file.</summary>
        public NpyDataType DataType { get; }

        /// <summary>The dimensions, outermost first (C order).</summary>
        public int[] Shape { get; }

        /// <summary>The number of elements: the product of the shape.</summary>
        public long Length => _data.Length / ElementSize(DataType);

        /// <summary>Rows and columns of a 2-D array; a 1-D array of length n is n × 1.</summary>
        /// <exception cref="NpyFormatException">The array has more than two dimensions.</exception>
        public (int Rows, int Columns) Matrix
        {
            get
            {
                return Shape.Length switch
                {
                    1 => (Shape[0], 1),
                    2 => (Shape[0], Shape[1]),
                    _ => throw new NpyFormatException(Source, "expected a 1-D or 2-D array; the shape is " + ShapeText(Shape)),
                };
            }
        }

        /// <summary>The elements as float32, converting from the stored type (float64 rounds to nearest).</summary>
        public float[] ToSingle()
        {
            var result = new float[Length];
            ReadOnlySpan<byte> data = _data;
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = DataType switch
                {
                    NpyDataType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(data.Slice(4 * i)),
                    NpyDataType.Float64 => (float)BinaryPrimitives.ReadDoubleLittleEndian(data.Slice(8 * i)),
                    NpyDataType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(data.Slice(4 * i)),
                    NpyDataType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(data.Slice(8 * i)),
                    _ => data[i],
                };
            }

            return result;
        }

        /// <summary>The elements as a float32 tensor of the array's shape (e.g. [N, D] for a matrix), converted as
        /// <see cref="ToSingle"/> converts them.</summary>
        public Tensor<float> ToSingleTensor()
        {
            var lengths = new nint[Shape.Length];
            for (int i = 0; i < lengths.Length; i++)
            {
                lengths[i] = Shape[i];
            }

            return Tensor.Create(ToSingle(), lengths);
        }

        /// <summary>The elements as int32, e.g. class labels.</summary>
        /// <exception cref="NpyFormatException">The array holds floats, or an integer outside the int32 range.</exception>
        public int[] ToInt32()
        {
            var result = new int[Length];
            ReadOnlySpan<byte> data = _data;
            for (int i = 0; i < result.Length; i++)
            {
                long value = DataType switch
                {
                    NpyDataType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(data.Slice(4 * i)),
                    NpyDataType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(data.Slice(8 * i)),
                    NpyDataType.UInt8 => data[i],
                    _ => throw new NpyFormatException(Source, "expected integers; the file holds " + DataType),
                };
                if (value < int.MinValue || value > int.MaxValue)
                {
                    throw new NpyFormatException(Source, "element " + i + " (" + value + ") does not fit in int32");
                }

                result[i] = (int)value;
            }

            return result;
        }

        internal static int ElementSize(NpyDataType type) => type switch
        {
            NpyDataType.Float32 or NpyDataType.Int32 => 4,
            NpyDataType.Float64 or NpyDataType.Int64 => 8,
            _ => 1,
        };

        internal static string ShapeText(int[] shape) => "(" + string.Join(", ", shape) + (shape.Length == 1 ? ",)" : ")");
    }
}
