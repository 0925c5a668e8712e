using System;
using System.Runtime.CompilerServices;

namespace KernelCompiler.Runtime
{
    public static partial class FusedKernelRuntime
    {
        /// <summary>
        /// One entry point for every operation and aggregation: runs <paramref name="operation"/> on the fused path
        /// (exact models through the tile methods, average ones through the <c>*Average</c> methods) and returns the
        /// rows done, from the first: all of them, or 0 where there are fewer than 16 or the CPU lacks AVX-512 VBMI.
        /// </summary>
        /// <param name="steps">The model's fused steps, which carry its shape and data.</param>
        /// <param name="operation">What to compute.</param>
        /// <param name="x">Input rows, N × D (column-major D × N where <paramref name="columnMajor"/>); for Encode and Multiply.</param>
        /// <param name="codesIn">Row-major codes, N × C, each below 16; for Aggregate and MultiplyCodes.</param>
        /// <param name="rows">N.</param>
        /// <param name="columnMajor">Whether <paramref name="x"/> is column-major.</param>
        /// <param name="codes">Encode's destination, N × C.</param>
        /// <param name="sums">Aggregate's destination, N × M.</param>
        /// <param name="destination">Multiply's and MultiplyCodes' destination, N × M.</param>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static int Run<TSteps>(TSteps steps, KernelOperation operation,
            ReadOnlySpan<float> x, ReadOnlySpan<byte> codesIn, int rows, bool columnMajor,
            Span<byte> codes, Span<int> sums, Span<float> destination)
            where TSteps : struct, IFusedKernelSteps
        {
            KernelRuntimeModel model = steps.Model;
            ArgumentNullException.ThrowIfNull(model, nameof(steps) + "." + nameof(steps.Model));
            int d = model.InputDimension, c = model.Codebooks, m = model.OutputDimension;
            if (model.IsAverage)
            {
                return operation switch
                {
                    KernelOperation.Encode => Encode(steps, d, c, x, rows, columnMajor, codes),
                    KernelOperation.Aggregate => AggregateAverage(steps, c, m, codesIn, rows, sums),
                    KernelOperation.Multiply => MultiplyAverage(steps, d, c, m, x, rows, columnMajor, model.Steps, model.Offsets, destination),
                    _ => MultiplyCodesAverage(steps, c, m, codesIn, rows, model.Steps, model.Offsets, destination),
                };
            }

            return operation switch
            {
                KernelOperation.Encode => Encode(steps, d, c, x, rows, columnMajor, codes),
                KernelOperation.Aggregate => Aggregate(steps, c, m, codesIn, rows, sums),
                KernelOperation.Multiply => Multiply(steps, d, c, m, x, rows, columnMajor, model.Steps, model.Offsets, destination),
                _ => MultiplyCodes(steps, c, m, codesIn, rows, model.Steps, model.Offsets, destination),
            };
        }
    }
}
