using System;

namespace KernelCompiler.Cli
{
    /// <summary>How far an approximation is from the exact product.</summary>
    internal static class Metrics
    {
        /// <summary>‖Y − Ŷ‖² / ‖Y‖², or null when Y is all zeros (the ratio is undefined).</summary>
        public static double? NormalizedMeanSquaredError(ReadOnlySpan<double> exact, ReadOnlySpan<float> approximate)
        {
            double error = 0, norm = 0;
            for (int i = 0; i < exact.Length; i++)
            {
                double diff = exact[i] - approximate[i];
                error += diff * diff;
                norm += exact[i] * exact[i];
            }

            return norm == 0 ? (error == 0 ? 0 : null) : error / norm;
        }

        /// <summary>The fraction of rows whose largest output (first one on ties) is the label.</summary>
        public static double Accuracy<T>(ReadOnlySpan<T> outputs, int columns, ReadOnlySpan<int> labels)
            where T : IComparable<T>
        {
            int correct = 0;
            for (int r = 0; r < labels.Length; r++)
            {
                if (ArgMax(outputs.Slice(r * columns, columns)) == labels[r]) correct++;
            }

            return labels.Length == 0 ? 0 : (double)correct / labels.Length;
        }

        public static int ArgMax<T>(ReadOnlySpan<T> row)
            where T : IComparable<T>
        {
            int best = 0;
            for (int j = 1; j < row.Length; j++)
            {
                if (row[j].CompareTo(row[best]) > 0) best = j;
            }

            return best;
        }
    }
}
