using System;
using System.Collections.Generic;
using System.ComponentModel;
using KernelCompiler.NetworkKernels;

namespace KernelCompiler.Runtime
{
    /// <summary>
    /// Builds the fused network kernel of a generated network class (<c>[LutKernel]</c> on a network file) from the
    /// data the generated file holds: each layer's trees, tables, dequantisation or dense weights, and the folded
    /// integer thresholds the generator computed (<c>raw sum &gt; g</c> exactly when the reference's float decision
    /// goes right). The model-independent tile loop is the runtime's (<see cref="LutNetworkKernel"/>). Not meant to be
    /// used by hand.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public sealed class NetworkKernelBuilder
    {
        /// <summary>The network runtime contract this build speaks; generated code passes the one it was written for,
        /// and a runtime that does not speak it refuses to build the kernel instead of misreading its data.
        /// 1: layers in order, LUT layers with their folded thresholds in the model's threshold order.
        /// 2: as 1, and the generated steps struct (<see cref="INetworkKernelSteps"/>) runs each LUT layer's encode
        /// (<see cref="Build{TSteps}"/>).</summary>
        public const int ContractVersion = 2;

        private readonly string _name;
        private readonly int _inputDimension;
        private readonly NetworkHead _head;
        private readonly List<NetworkLayer> _layers = new List<NetworkLayer>();
        private readonly List<int[]?> _folded = new List<int[]?>();

        /// <summary>Starts a network.</summary>
        /// <param name="contractVersion">The runtime contract the caller was written for (<see cref="ContractVersion"/>).</param>
        /// <param name="name">The network's name.</param>
        /// <param name="inputDimension">D: values per input row.</param>
        /// <param name="head">What the network is meant to produce.</param>
        /// <exception cref="NotSupportedException">The contract version is not this runtime's.</exception>
        public NetworkKernelBuilder(int contractVersion, string name, int inputDimension, NetworkHead head)
        {
            if (contractVersion != ContractVersion)
            {
                throw new NotSupportedException("This network kernel was generated for network runtime contract " + contractVersion +
                    " but the KernelCompiler library it runs with speaks contract " + ContractVersion +
                    ": regenerate the kernel with the KernelCompiler version the project references.");
            }

            _name = name ?? throw new ArgumentNullException(nameof(name));
            _inputDimension = inputDimension;
            _head = head;
        }

        /// <summary>Adds a LUT layer; the arrays are those of <see cref="LutModel"/>.</summary>
        /// <param name="inputDimension">D of the layer.</param>
        /// <param name="outputDimension">M of the layer.</param>
        /// <param name="aggregation">How looked-up bytes are combined.</param>
        /// <param name="activation">The layer's activation.</param>
        /// <param name="splitDimensions">C · 4 split dimensions.</param>
        /// <param name="thresholds">C · 15 float thresholds.</param>
        /// <param name="foldedThresholds">C · 15 folded integer thresholds when the layer reads the previous LUT
        /// layer's raw sums, else empty.</param>
        /// <param name="tables">M · C · 16 table bytes.</param>
        /// <param name="steps">M dequantisation steps.</param>
        /// <param name="offsets">M dequantisation offsets.</param>
        /// <returns>This builder.</returns>
        /// <exception cref="LutModelException">The layer's data is invalid; the message names the field.</exception>
        public NetworkKernelBuilder AddLutLayer(int inputDimension, int outputDimension, LutAggregation aggregation,
            LayerActivation activation, ReadOnlySpan<int> splitDimensions, ReadOnlySpan<float> thresholds,
            ReadOnlySpan<int> foldedThresholds, ReadOnlySpan<byte> tables, ReadOnlySpan<float> steps, ReadOnlySpan<float> offsets)
        {
            var model = new LutModel(inputDimension, outputDimension, splitDimensions.ToArray(), thresholds.ToArray(),
                tables.ToArray(), steps.ToArray(), offsets.ToArray(), aggregation, null, "layer" + _layers.Count);
            _layers.Add(new LutLayer(model, activation));
            _folded.Add(foldedThresholds.IsEmpty ? null : foldedThresholds.ToArray());
            return this;
        }

        /// <summary>Adds an exact (dense) layer.</summary>
        /// <param name="inputDimension">D of the layer.</param>
        /// <param name="outputDimension">M of the layer.</param>
        /// <param name="activation">The layer's activation.</param>
        /// <param name="weights">D × M weights, row-major (<see cref="DenseLayer.Weights"/>).</param>
        /// <param name="bias">M biases.</param>
        /// <returns>This builder.</returns>
        /// <exception cref="ArgumentException">The layer's data is invalid.</exception>
        public NetworkKernelBuilder AddDenseLayer(int inputDimension, int outputDimension, LayerActivation activation,
            ReadOnlySpan<float> weights, ReadOnlySpan<float> bias)
        {
            _layers.Add(new DenseLayer(inputDimension, outputDimension, weights.ToArray(), bias.ToArray(), activation));
            _folded.Add(null);
            return this;
        }

        /// <summary>The fused kernel of the layers added, its encode table-driven: the folded thresholds given are
        /// read as data (backend <c>generated</c>), vectorised as wide as the CPU allows.</summary>
        /// <returns>The kernel, safe to share between threads.</returns>
        /// <exception cref="LutModelException">The layers do not chain.</exception>
        /// <exception cref="ArgumentException">Folded thresholds are missing where a layer reads sums, or given
        /// where it does not, or have the wrong count.</exception>
        public LutNetworkKernel Build() => new LutNetworkKernel(Plan(), 512, true, "generated");

        /// <summary>The fused kernel of the layers added (backend <c>generated</c>), each LUT layer encoded by
        /// <typeparamref name="TSteps"/> (the generated steps, thresholds as constants; they must have been written
        /// for these layers), tables and the rest read from the data given; vectorised as wide as the CPU allows.</summary>
        /// <typeparam name="TSteps">The generated network's steps struct.</typeparam>
        /// <returns>The kernel, safe to share between threads.</returns>
        /// <exception cref="LutModelException">The layers do not chain.</exception>
        /// <exception cref="ArgumentException">Folded thresholds are missing where a layer reads sums, or given
        /// where it does not, or have the wrong count.</exception>
        public LutNetworkKernel Build<TSteps>()
            where TSteps : struct, INetworkKernelSteps
            => new LutNetworkKernel(Plan(), 512, true, "generated", NetworkTiles.For<TSteps>());

        private NetworkPlan Plan()
        {
            var network = new LutNetwork(_name, NetworkInput.Flat(_inputDimension), _layers, _head);
            for (int k = 1; k < _layers.Count; k++)
            {
                if (_layers[k - 1] is LutLayer && _layers[k] is LutLayer && _folded[k] is null)
                {
                    throw new ArgumentException("Layer " + k + " reads the raw sums of layer " + (k - 1) +
                        " and needs its folded thresholds.");
                }
            }

            return NetworkPlan.Create(network, _folded);
        }
    }
}
