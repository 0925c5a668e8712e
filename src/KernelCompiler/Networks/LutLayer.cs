// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System;

namespace KernelCompiler
{
    /// <summary>A layer approximated by a MADDNESS <see cref="LutModel"/>: its outputs are the model's dequantised
    /// sums (bias folded into the offsets), then the activation.</summary>
    public sealed class LutLayer : NetworkLayer
    {
        /// <summary>Creates a layer from a validated model.</summary>
        /// <param name="model">The layer's lookup-table model.</param>
        /// <param name="activation">The function applied to every output.</param>
        /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
        public LutLayer(LutModel model, LayerActivation activation = LayerActivation.Identity)
            : base(activation)
        {
            Model = model ?? throw new ArgumentNullException(nameof(model));
        }

        /// <summary>The layer's model.</summary>
        public LutModel Model { get; }

        /// <inheritdoc />
        public override int InputDimension => Model.InputDimension;

        /// <inheritdoc />
        public override int OutputDimension => Model.OutputDimension;
    }
}
