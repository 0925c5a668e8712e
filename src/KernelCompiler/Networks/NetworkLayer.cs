// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System;

namespace KernelCompiler
{
    /// <summary>
    /// One layer of a <see cref="LutNetwork"/>: a map from rows of <see cref="InputDimension"/> floats to rows of
    /// <see cref="OutputDimension"/> floats, followed by an elementwise <see cref="Activation"/>. The hierarchy is
    /// closed: a layer is either a <see cref="LutLayer"/> (a MADDNESS approximation) or a <see cref="DenseLayer"/>
    /// (exact float weights).
    /// </summary>
    public abstract class NetworkLayer
    {
        // Internal: executors, the file format and the compilers know every kind of layer.
        private protected NetworkLayer(LayerActivation activation)
        {
            if (activation != LayerActivation.Identity && activation != LayerActivation.Relu)
            {
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "Expected Identity or Relu.");
            }

            Activation = activation;
        }

        /// <summary>D: the number of inputs a row.</summary>
        public abstract int InputDimension { get; }

        /// <summary>M: the number of outputs a row.</summary>
        public abstract int OutputDimension { get; }

        /// <summary>The function applied to every output.</summary>
        public LayerActivation Activation { get; }

        /// <summary>Applies <see cref="Activation"/> to one value: the definition every executor follows.</summary>
        /// <param name="value">A layer output before the activation.</param>
        /// <returns>The activated value.</returns>
        public float Activate(float value) => Apply(Activation, value);

        /// <summary>Applies <paramref name="activation"/> to one value. ReLU: positive values pass, NaN stays NaN,
        /// anything else (negatives, −0) becomes +0.</summary>
        internal static float Apply(LayerActivation activation, float value)
            => activation == LayerActivation.Relu && !(value > 0f) && !float.IsNaN(value) ? 0f : value;

        /// <summary>Applies <paramref name="activation"/> in place.</summary>
        internal static void Apply(LayerActivation activation, Span<float> values)
        {
            if (activation == LayerActivation.Identity)
            {
                return;
            }

            for (int i = 0; i < values.Length; i++)
            {
                values[i] = Apply(activation, values[i]);
            }
        }
    }
}
