using System;
using System.Buffers;

namespace KernelCompiler
{
    public abstract partial class LutKernel
    {
        // Rows multiplied per pass of Predict: bounds the outputs held at once.
        private const int PredictChunkRows = 256;

        /// <summary>For a classifier: the index of the largest approximate output of each row-major row of
        /// <paramref name="x"/>, i.e. <see cref="ArgMax"/> of <see cref="Multiply(ReadOnlySpan{float}, Span{float})"/>.</summary>
        /// <param name="x">N × D, row-major.</param>
        /// <param name="classes">Receives N class indices, each 0 .. M − 1.</param>
        /// <exception cref="ArgumentException"><paramref name="x"/> is not a whole number of rows, or
        /// <paramref name="classes"/> is shorter than N.</exception>
        public void Predict(ReadOnlySpan<float> x, Span<int> classes)
        {
            int rows = RowsOf(x);
            CheckDestination(classes.Length, rows, nameof(classes));
            int chunk = Math.Min(rows, PredictChunkRows);
            float[] buffer = ArrayPool<float>.Shared.Rent(Math.Max(1, chunk * OutputDimension));
            try
            {
                for (int start = 0; start < rows; start += chunk)
                {
                    int count = Math.Min(chunk, rows - start);
                    Span<float> y = buffer.AsSpan(0, count * OutputDimension);
                    MultiplyCore(x.Slice(start * InputDimension, count * InputDimension), count, y, columnMajor: false);
                    ArgMax(y, OutputDimension, classes.Slice(start, count));
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(buffer);
            }
        }

        /// <summary>The index of the largest value of each row of a row-major matrix (the first one on a tie, as
        /// NumPy's <c>argmax</c>); a NaN is never larger than a number, so a row of NaNs gives 0.</summary>
        /// <param name="values">N × <paramref name="columns"/>, row-major.</param>
        /// <param name="columns">Values per row, at least 1.</param>
        /// <param name="destination">Receives N indices.</param>
        /// <exception cref="ArgumentException"><paramref name="values"/> is not a whole number of rows, or
        /// <paramref name="destination"/> is shorter than N.</exception>
        public static void ArgMax(ReadOnlySpan<float> values, int columns, Span<int> destination)
        {
            if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), columns, "At least one column is needed.");
            if (values.Length % columns != 0)
            {
                throw new ArgumentException("Values length " + values.Length + " is not a whole number of rows of " +
                    columns + " values.", nameof(values));
            }

            int rows = values.Length / columns;
            CheckDestination(destination.Length, rows, nameof(destination));
            for (int n = 0; n < rows; n++)
            {
                ReadOnlySpan<float> row = values.Slice(n * columns, columns);
                int best = 0;
                for (int m = 1; m < row.Length; m++)
                {
                    if (row[m] > row[best] || (float.IsNaN(row[best]) && !float.IsNaN(row[m])))
                    {
                        best = m;
                    }
                }

                destination[n] = best;
            }
        }
    }
}
