using System;
using System.Numerics;

namespace KernelCompiler
{
    /// <summary>
    /// A network run layer by layer over blocks of rows: dense layers in the order <see cref="DenseLayer"/> documents,
    /// LUT layers through one <see cref="LutKernel"/> each (the reference kernel for the exact and reference networks,
    /// compiled or generic kernels for <see cref="NetworkKernel"/>), then each activation. One loop for all of them, so
    /// the kernel networks' exact layers are the reference's own arithmetic.
    /// </summary>
    internal sealed class ReferenceNetworkExecutor : NetworkExecutor
    {
        // Rows carried through the chain at once: bounds the scratch to blockRows × the widest layer.
        private readonly int _blockRows;

        private readonly LutKernel?[] _kernels;
        private readonly int _widest;

        /// <param name="network">The network.</param>
        /// <param name="backend">The name reports give it.</param>
        /// <param name="createLut">The kernel of each LUT layer; null for the reference kernel.</param>
        /// <param name="blockRows">Rows a block: the kernel networks take enough for the kernels' tiles.</param>
        public ReferenceNetworkExecutor(LutNetwork network, string backend, Func<LutModel, LutKernel>? createLut = null,
            int blockRows = 64)
            : base(network)
        {
            Backend = backend;
            _blockRows = blockRows;
            _kernels = new LutKernel?[network.Layers.Count];
            _widest = network.InputDimension;
            for (int i = 0; i < _kernels.Length; i++)
            {
                NetworkLayer layer = network.Layers[i];
                if (layer is LutLayer lut)
                {
                    _kernels[i] = createLut is null ? LutKernel.CreateReference(lut.Model) : createLut(lut.Model);
                }

                _widest = Math.Max(_widest, layer.OutputDimension);
            }
        }

        public override string Backend { get; }

        protected override void MultiplyCore(ReadOnlySpan<float> x, int rows, Span<float> destination)
        {
            int d = InputDimension, m = OutputDimension;
            int block = Math.Min(rows, _blockRows);
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
