using System;
using System.Threading;
using System.Threading.Tasks;

namespace KernelCompiler.Calibration
{
    /// <summary>
    /// One layer run over many rows for calibration, with the executors' own arithmetic: a dense layer through the
    /// exact network executor (so the values are bit for bit the exact network's), a LUT layer through its generic
    /// kernel (bit for bit the reference kernel's). Rows go in blocks, in parallel, with the token checked at every
    /// block; each row's result does not depend on the blocking.
    /// </summary>
    internal static class LayerPass
    {
        private const int BlockRows = 256;

        /// <summary>A dense layer's outputs before its activation.</summary>
        public static float[] DensePreActivation(DenseLayer layer, float[] x, int rows, CancellationToken cancellationToken)
        {
            var identity = new DenseLayer(layer.InputDimension, layer.OutputDimension, layer.Weights.ToArray(),
                layer.Bias.ToArray(), LayerActivation.Identity);
            NetworkExecutor executor = NetworkExecutor.CreateExact(
                new LutNetwork("layer", NetworkInput.Flat(layer.InputDimension), new NetworkLayer[] { identity }));
            return Run(x, rows, layer.InputDimension, layer.OutputDimension, executor.Multiply, cancellationToken);
        }

        /// <summary>A LUT model's outputs (before any activation).</summary>
        public static float[] Lut(LutModel model, float[] x, int rows, CancellationToken cancellationToken)
        {
            LutKernel kernel = LutKernel.CreateGeneric(model);
            return Run(x, rows, model.InputDimension, model.OutputDimension, kernel.Multiply, cancellationToken);
        }

        /// <summary>A copy of <paramref name="values"/> with <paramref name="activation"/> applied, as every executor applies it.</summary>
        public static float[] Activate(LayerActivation activation, float[] values)
        {
            var result = (float[])values.Clone();
            NetworkLayer.Apply(activation, result);
            return result;
        }

        /// <summary>‖a − e‖² / ‖e‖² in double (0 when both are zero).</summary>
        public static double Nmse(float[] approximate, float[] exact)
        {
            double error = 0, norm = 0;
            for (int i = 0; i < exact.Length; i++)
            {
                double d = (double)approximate[i] - exact[i];
                error += d * d;
                norm += (double)exact[i] * exact[i];
            }

            return norm == 0 ? (error == 0 ? 0 : double.PositiveInfinity) : error / norm;
        }

        /// <summary>The fraction of rows whose argmax equals the label.</summary>
        public static double Accuracy(float[] outputs, int columns, int[] labels)
        {
            int correct = 0;
            for (int n = 0; n < labels.Length; n++)
            {
                if (NetworkExecutor.ArgMax(outputs.AsSpan(n * columns, columns)) == labels[n])
                {
                    correct++;
                }
            }

            return labels.Length == 0 ? 0 : (double)correct / labels.Length;
        }

        private delegate void Multiply(ReadOnlySpan<float> x, Span<float> destination);

        private static float[] Run(float[] x, int rows, int d, int m, Multiply multiply, CancellationToken cancellationToken)
        {
            var y = new float[(long)rows * m];
            int blocks = (rows + BlockRows - 1) / BlockRows;
            Parallel.For(0, blocks, new ParallelOptions { CancellationToken = cancellationToken }, b =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                int start = b * BlockRows, count = Math.Min(BlockRows, rows - start);
                multiply(x.AsSpan(start * d, count * d), y.AsSpan(start * m, count * m));
            });
            return y;
        }
    }
}
