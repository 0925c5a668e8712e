using System;
using System.Numerics;

namespace KernelCompiler
{
    /// <summary>
    /// The exact and reference network: layer by layer over blocks of rows, dense layers in the order
    /// <see cref="DenseLayer"/> documents, LUT layers through their reference kernels, then each activation.
    /// </summary>
    internal sealed class ReferenceNetworkExecutor : NetworkExecutor
    {
        // Rows carried through the chain at once: bounds the scratch to BlockRows × the widest layer.
        private const int BlockRows = 64;

        private readonly LutKernel?[] _kernels;
        private readonly int _widest;

        public ReferenceNetworkExecutor(LutNetwork network, string backend)
            : base(network)
        {
            Backend = backend;
            _kernels = new LutKernel?[network.Layers.Count];
            _widest = network.InputDimension;
            for (int i = 0; i < _kernels.Length; i++)
            {
                NetworkLayer layer = network.Layers[i];
                if (layer is LutLayer lut)
                {
                    _kernels[i] = LutKernel.CreateReference(lut.Model);
                }

                _widest = Math.Max(_widest, layer.OutputDimension);
            }
        }

        public override string Backend { get; }

        protected override void MultiplyCore(ReadOnlySpan<float> x, int rows, Span<float> destination)
        {
            int d = InputDimension, m = OutputDimension;
            int block = Math.Min(rows, BlockRows);
            var a = new float[block * _widest];
            var b = new float[block * _widest];
            for (int start = 0; start < rows; start += block)
            {
                int count = Math.Min(block, rows - start);
                ReadOnlySpan<float> input = x.Slice(start * d, count * d);
                float[] output = a;
                for (int i = 0; i < _kernels.Length; i++)
                {
                    NetworkLayer layer = Network.Layers[i];
                    Span<float> result = new Span<float>(output, 0, count * layer.OutputDimension);
                    if (_kernels[i] is LutKernel kernel)
                    {
                        kernel.Multiply(input, result);
                    }
                    else
                    {
                        Dense((DenseLayer)layer, input, count, result);
                    }

                    NetworkLayer.Apply(layer.Activation, result);
                    input = result;
                    output = output == a ? b : a;
                }

                input.CopyTo(destination.Slice(start * m, count * m));
            }
        }

        /// <summary>y[r, m] = (Σ_d in order x[r, d] · W[d, m]) + b[m], products and sums each rounded to float32. The
        /// vectors run across outputs, so each output's sum still goes through d in order: the same bits as the scalar
        /// loop on every vector width.</summary>
        private static void Dense(DenseLayer layer, ReadOnlySpan<float> x, int rows, Span<float> y)
        {
            int d = layer.InputDimension, m = layer.OutputDimension;
            ReadOnlySpan<float> w = layer.Weights;
            ReadOnlySpan<float> bias = layer.Bias;
            int width = Vector<float>.Count;
            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<float> row = x.Slice(r * d, d);
                Span<float> sums = y.Slice(r * m, m);
                sums.Clear();
                for (int k = 0; k < d; k++)
                {
                    float xk = row[k];
                    ReadOnlySpan<float> wk = w.Slice(k * m, m);
                    int j = 0;
                    if (Vector.IsHardwareAccelerated)
                    {
                        var vx = new Vector<float>(xk);
                        for (; j <= m - width; j += width)
                        {
                            var product = new Vector<float>(wk.Slice(j)) * vx;
                            (new Vector<float>(sums.Slice(j)) + product).CopyTo(sums.Slice(j));
                        }
                    }

                    for (; j < m; j++)
                    {
                        float product = xk * wk[j];
                        sums[j] = sums[j] + product;
                    }
                }

                for (int j = 0; j < m; j++)
                {
                    sums[j] = sums[j] + bias[j];
                }
            }
        }
    }
}
