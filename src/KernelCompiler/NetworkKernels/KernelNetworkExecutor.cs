using System;

namespace KernelCompiler
{
    /// <summary>The executor behind <see cref="NetworkKernel"/>: one <see cref="LutKernel"/> per LUT layer; an exact
    /// layer runs through the reference network executor of a one-layer network, so its arithmetic is the reference's
    /// own, not a copy of it.</summary>
    internal sealed class KernelNetworkExecutor : NetworkExecutor
    {
        // Rows a block: enough for the kernels' tiles, small enough that the intermediate rows stay in cache.
        private const int BlockRows = 256;

        private readonly LutKernel?[] _kernels;
        private readonly NetworkExecutor?[] _dense;
        private readonly int _widest;

        public KernelNetworkExecutor(LutNetwork network, string backend, Func<LutModel, LutKernel> create)
            : base(network)
        {
            Backend = backend;
            int layers = network.Layers.Count;
            _kernels = new LutKernel?[layers];
            _dense = new NetworkExecutor?[layers];
            _widest = network.InputDimension;
            for (int i = 0; i < layers; i++)
            {
                NetworkLayer layer = network.Layers[i];
                if (layer is LutLayer lut)
                {
                    _kernels[i] = create(lut.Model);
                }
                else
                {
                    _dense[i] = CreateReference(new LutNetwork("layer", NetworkInput.Flat(layer.InputDimension),
                        new[] { layer }));
                }

                _widest = Math.Max(_widest, layer.OutputDimension);
            }
        }

        public override string Backend { get; }

        protected override void MultiplyCore(ReadOnlySpan<float> x, int rows, Span<float> destination)
        {
            int d = InputDimension, m = OutputDimension;
            int block = Math.Max(1, Math.Min(rows, BlockRows));
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
                        NetworkLayer.Apply(layer.Activation, result);
                    }
                    else
                    {
                        _dense[i]!.Multiply(input, result);
                    }

                    input = result;
                    output = output == a ? b : a;
                }

                input.CopyTo(destination.Slice(start * m, count * m));
            }
        }
    }
}
