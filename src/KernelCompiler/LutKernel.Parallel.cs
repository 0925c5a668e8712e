using System;
using System.Buffers;
using System.Threading.Tasks;

namespace KernelCompiler
{
    public abstract partial class LutKernel
    {
        /// <summary>Rows per partition at least this: below it a worker costs more than it saves.</summary>
        internal const int MinRowsPerPartition = 8192;

        /// <summary>Like <see cref="Multiply(ReadOnlySpan{float}, Span{float})"/>, with the rows split into up to
        /// <see cref="ParallelOptions.MaxDegreeOfParallelism"/> contiguous partitions (all cores when it is −1) run
        /// in parallel. Outputs are the same bit for bit: rows are independent.</summary>
        /// <exception cref="OperationCanceledException">The options' cancellation token was cancelled.</exception>
        public void Multiply(ReadOnlySpan<float> x, Span<float> destination, ParallelOptions parallelOptions)
            => MultiplyPartitioned(x, destination, parallelOptions, columnMajor: false);

        /// <summary>Like <see cref="MultiplyColumnMajor(ReadOnlySpan{float}, Span{float})"/>, with the rows split
        /// into contiguous partitions run in parallel (each reads its rows of every split column in place).</summary>
        /// <exception cref="OperationCanceledException">The options' cancellation token was cancelled.</exception>
        public void MultiplyColumnMajor(ReadOnlySpan<float> x, Span<float> destination, ParallelOptions parallelOptions)
            => MultiplyPartitioned(x, destination, parallelOptions, columnMajor: true);

        /// <summary>Outputs of column-major rows <paramref name="row0"/> .. <paramref name="row0"/> +
        /// <paramref name="count"/> − 1 of <paramref name="x"/> (D × <paramref name="rows"/>) into
        /// <paramref name="destination"/> (count × M). Arguments are checked. The default copies the partition's
        /// columns into a pooled buffer; kernels that can read a column stride override it.</summary>
        protected virtual void MultiplyColumnMajorRange(ReadOnlySpan<float> x, int rows, int row0, int count, Span<float> destination)
        {
            int d = InputDimension;
            float[] buffer = ArrayPool<float>.Shared.Rent(d * count);
            try
            {
                Span<float> part = buffer.AsSpan(0, d * count);
                for (int i = 0; i < d; i++)
                {
                    x.Slice(i * rows + row0, count).CopyTo(part.Slice(i * count, count));
                }

                MultiplyCore(part, count, destination, columnMajor: true);
            }
            finally
            {
                ArrayPool<float>.Shared.Return(buffer);
            }
        }

        private unsafe void MultiplyPartitioned(ReadOnlySpan<float> x, Span<float> destination, ParallelOptions parallelOptions, bool columnMajor)
        {
            if (parallelOptions is null)
            {
                throw new ArgumentNullException(nameof(parallelOptions));
            }

            int rows = RowsOf(x);
            int m = OutputDimension, d = InputDimension;
            CheckDestination(destination.Length, (long)rows * m, nameof(destination));
            parallelOptions.CancellationToken.ThrowIfCancellationRequested();
            int workers = parallelOptions.MaxDegreeOfParallelism > 0 ? parallelOptions.MaxDegreeOfParallelism : Environment.ProcessorCount;
            int partitions = Math.Min(workers, Math.Max(1, rows / MinRowsPerPartition));
            if (partitions <= 1)
            {
                MultiplyCore(x, rows, destination, columnMajor);
                return;
            }

            // Partition boundaries on multiples of 64 rows, so every partition but the last runs whole blocks.
            int per = (rows / partitions + 63) / 64 * 64;
            fixed (float* px = x)
            fixed (float* pd = destination)
            {
                nint xAddress = (nint)px, dAddress = (nint)pd;
                int length = x.Length;
                Parallel.For(0, partitions, parallelOptions, p =>
                {
                    int row0 = Math.Min(rows, p * per);
                    int count = Math.Min(rows, row0 + per) - row0;
                    if (count == 0)
                    {
                        return;
                    }

                    var output = new Span<float>((float*)dAddress + (nint)row0 * m, count * m);
                    if (columnMajor)
                    {
                        MultiplyColumnMajorRange(new ReadOnlySpan<float>((float*)xAddress, length), rows, row0, count, output);
                    }
                    else
                    {
                        MultiplyCore(new ReadOnlySpan<float>((float*)xAddress + (nint)row0 * d, count * d), count, output, columnMajor: false);
                    }
                });
            }
        }
    }
}
