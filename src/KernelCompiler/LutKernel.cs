using System;
using KernelCompiler.Reference;

namespace KernelCompiler
{
    /// <summary>
    /// A compiled MADDNESS model: encodes rows of A into codes and sums table entries into approximate rows of
    /// A · B. Every backend computes exactly what docs/algorithm.md specifies: the same codes, the same integer sums and
    /// the same float outputs, bit for bit. Instances are immutable and safe to call from many threads at once.
    /// </summary>
    /// <remarks>
    /// Layouts: row-major input is N × D (<c>x[n * D + d]</c>); column-major input is D × N (<c>x[d * N + n]</c>),
    /// the fast layout because the encoder reads only 4 · C columns; codes are N × C; sums and outputs are always
    /// row-major N × M. Argument checks follow <c>TensorPrimitives</c>: an <see cref="ArgumentException"/> naming
    /// the parameter when a span is not a whole number of rows or a destination is too short.
    /// </remarks>
    public abstract partial class LutKernel
    {
        /// <summary>Initialises a kernel for <paramref name="model"/>; called by the backends' constructors.</summary>
        /// <param name="model">The model the kernel runs.</param>
        /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
        protected LutKernel(LutModel model)
        {
            Model = model ?? throw new ArgumentNullException(nameof(model));
        }

        /// <summary>The model this kernel runs.</summary>
        public LutModel Model { get; }

        /// <summary>The engine's name as the command line spells it: reference, generic, emitted, generated.</summary>
        public abstract string Backend { get; }

        /// <summary>D: values per input row.</summary>
        public int InputDimension => Model.InputDimension;

        /// <summary>M: values per output row.</summary>
        public int OutputDimension => Model.OutputDimension;

        /// <summary>C: codes per row.</summary>
        public int Codebooks => Model.Codebooks;

        /// <summary>The scalar oracle: slow, obviously correct, what every other backend is tested against.</summary>
        public static LutKernel CreateReference(LutModel model) => new ReferenceKernel(model);

        /// <summary>Encodes row-major rows into <paramref name="codes"/> (N × C, each 0..15).</summary>
        public void Encode(ReadOnlySpan<float> x, Span<byte> codes)
        {
            int rows = RowsOf(x);
            CheckDestination(codes.Length, (long)rows * Codebooks, nameof(codes));
            EncodeCore(x, rows, codes, columnMajor: false);
        }

        /// <summary>Encodes column-major rows (D × N) into <paramref name="codes"/> (N × C).</summary>
        public void EncodeColumnMajor(ReadOnlySpan<float> x, Span<byte> codes)
        {
            int rows = RowsOf(x);
            CheckDestination(codes.Length, (long)rows * Codebooks, nameof(codes));
            EncodeCore(x, rows, codes, columnMajor: true);
        }

        /// <summary>The integer sums S (N × M) of the table entries that <paramref name="codes"/> select, aggregated
        /// as the model says (exact or average).</summary>
        public void Aggregate(ReadOnlySpan<byte> codes, Span<int> sums)
        {
            int rows = CheckCodes(codes);
            CheckDestination(sums.Length, (long)rows * OutputDimension, nameof(sums));
            AggregateCore(codes, rows, sums);
        }

        /// <summary>Approximates <c>x · B</c> (+ bias) for row-major rows: <paramref name="destination"/> is N × M.</summary>
        public void Multiply(ReadOnlySpan<float> x, Span<float> destination)
        {
            int rows = RowsOf(x);
            CheckDestination(destination.Length, (long)rows * OutputDimension, nameof(destination));
            MultiplyCore(x, rows, destination, columnMajor: false);
        }

        /// <summary>Approximates <c>x · B</c> (+ bias) for column-major rows (D × N); <paramref name="destination"/>
        /// is row-major N × M.</summary>
        public void MultiplyColumnMajor(ReadOnlySpan<float> x, Span<float> destination)
        {
            int rows = RowsOf(x);
            CheckDestination(destination.Length, (long)rows * OutputDimension, nameof(destination));
            MultiplyCore(x, rows, destination, columnMajor: true);
        }

        /// <summary>Dequantised outputs (N × M) for codes produced by <see cref="Encode(ReadOnlySpan{float}, Span{byte})"/>.</summary>
        public void Multiply(ReadOnlySpan<byte> codes, Span<float> destination)
        {
            int rows = CheckCodes(codes);
            CheckDestination(destination.Length, (long)rows * OutputDimension, nameof(destination));
            MultiplyCodesCore(codes, rows, destination);
        }

        /// <summary>Encode <paramref name="rows"/> rows; arguments are checked.</summary>
        protected abstract void EncodeCore(ReadOnlySpan<float> x, int rows, Span<byte> codes, bool columnMajor);

        /// <summary>Aggregate the codes of <paramref name="rows"/> rows into <paramref name="sums"/>; arguments are checked.</summary>
        protected abstract void AggregateCore(ReadOnlySpan<byte> codes, int rows, Span<int> sums);

        /// <summary>Multiply <paramref name="rows"/> rows (row- or column-major); arguments are checked.</summary>
        protected abstract void MultiplyCore(ReadOnlySpan<float> x, int rows, Span<float> destination, bool columnMajor);

        /// <summary>Dequantise the outputs of <paramref name="rows"/> rows of codes; arguments are checked.</summary>
        protected abstract void MultiplyCodesCore(ReadOnlySpan<byte> codes, int rows, Span<float> destination);

        private int RowsOf(ReadOnlySpan<float> x)
        {
            if (x.Length % InputDimension != 0)
            {
                throw new ArgumentException(
                    "Input length " + x.Length + " is not a whole number of rows of " + InputDimension + " values.", nameof(x));
            }

            return x.Length / InputDimension;
        }

        // A code outside 0..15 would index past a 16-entry table; refuse it once here so no backend has to.
        private int CheckCodes(ReadOnlySpan<byte> codes)
        {
            if (codes.Length % Codebooks != 0)
            {
                throw new ArgumentException(
                    "Codes length " + codes.Length + " is not a whole number of rows of " + Codebooks + " codes.", nameof(codes));
            }

            int bad = codes.IndexOfAnyInRange((byte)LutModel.BucketCount, byte.MaxValue);
            if (bad >= 0)
            {
                throw new ArgumentException(
                    "Code " + codes[bad] + " at index " + bad + " is outside 0.." + (LutModel.BucketCount - 1) + ".", nameof(codes));
            }

            return codes.Length / Codebooks;
        }

        private static void CheckDestination(int length, long required, string name)
        {
            if (length < required)
            {
                throw new ArgumentException(
                    "Destination is too short: " + length + " elements for " + required + " results.", name);
            }
        }
    }
}
