using System;
using System.Numerics.Tensors;

namespace KernelCompiler
{
    public abstract partial class LutKernel
    {
        /// <summary>Approximates <c>x · B</c> (+ bias) for the rows of an [N, D] tensor into an [N, M] tensor.</summary>
        /// <param name="x">Rank 2, [N, D], dense (contiguous row-major).</param>
        /// <param name="destination">Rank 2, [N, M], dense.</param>
        /// <exception cref="ArgumentException">A tensor has the wrong rank or shape, or is not dense.</exception>
        public void Multiply(in ReadOnlyTensorSpan<float> x, in TensorSpan<float> destination)
        {
            int rows = Rows(x, InputDimension, nameof(x));
            Span<float> y = DenseSpan(destination, rows, OutputDimension, nameof(destination));
            Multiply(DenseSpan(x, rows, InputDimension), y);
        }

        /// <summary>Encodes the rows of an [N, D] tensor into an [N, C] tensor of codes (each 0..15).</summary>
        /// <param name="x">Rank 2, [N, D], dense (contiguous row-major).</param>
        /// <param name="codes">Rank 2, [N, C], dense.</param>
        /// <exception cref="ArgumentException">A tensor has the wrong rank or shape, or is not dense.</exception>
        public void Encode(in ReadOnlyTensorSpan<float> x, in TensorSpan<byte> codes)
        {
            int rows = Rows(x, InputDimension, nameof(x));
            Span<byte> c = DenseSpan(codes, rows, Codebooks, nameof(codes));
            Encode(DenseSpan(x, rows, InputDimension), c);
        }

        // N of an [N, columns] tensor, or an ArgumentException saying what the shape should be.
        private static int Rows<T>(in ReadOnlyTensorSpan<T> tensor, int columns, string name)
        {
            if (tensor.Rank != 2 || tensor.Lengths[1] != columns)
            {
                throw new ArgumentException("Expected a rank-2 tensor of shape [N, " + columns + "]; the tensor has shape " +
                    Shape(tensor.Lengths) + ".", name);
            }

            if (!tensor.IsDense)
            {
                throw new ArgumentException("The tensor of shape " + Shape(tensor.Lengths) + " is not dense (its strides are " +
                    Shape(tensor.Strides) + "); expected contiguous row-major data.", name);
            }

            return checked((int)tensor.Lengths[0]);
        }

        private static ReadOnlySpan<T> DenseSpan<T>(in ReadOnlyTensorSpan<T> tensor, int rows, int columns)
            => rows == 0 ? ReadOnlySpan<T>.Empty : tensor.GetSpan(stackalloc nint[2], checked(rows * columns));

        private static Span<T> DenseSpan<T>(in TensorSpan<T> tensor, int rows, int columns, string name)
        {
            ReadOnlyTensorSpan<T> view = tensor;
            if (view.Rank != 2 || view.Lengths[0] != rows || view.Lengths[1] != columns)
            {
                throw new ArgumentException("Expected a rank-2 tensor of shape [" + rows + ", " + columns + "]; the tensor " +
                    "has shape " + Shape(view.Lengths) + ".", name);
            }

            if (!view.IsDense)
            {
                throw new ArgumentException("The tensor of shape " + Shape(view.Lengths) + " is not dense (its strides are " +
                    Shape(view.Strides) + "); expected contiguous row-major data.", name);
            }

            return rows == 0 ? Span<T>.Empty : tensor.GetSpan(stackalloc nint[2], checked(rows * columns));
        }

        private static string Shape(ReadOnlySpan<nint> values)
        {
            var parts = new string[values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                parts[i] = values[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return "[" + string.Join(", ", parts) + "]";
        }
    }
}
