// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System;

namespace KernelCompiler
{
    /// <summary>
    /// A layer kept exact: <c>y = activation(x · W + b)</c> in float32 with the weights W (D × M, row-major:
    /// <c>W[d * M + m]</c>) and the bias b (M). Weights and bias must be finite: a NaN or infinite weight is refused
    /// (it would make outputs NaN or infinite for every row, which is a broken model, not one to run).
    /// </summary>
    /// <remarks>
    /// The exact executor sums in one documented order, the same on every machine: for each output m,
    /// <c>s = 0; for d = 0 .. D−1: s = s + x[d] · W[d, m]</c> (each product rounded to float32, then each sum; no fused
    /// multiply-add), then <c>y = activation(s + b[m])</c>.
    /// </remarks>
    public sealed class DenseLayer : NetworkLayer
    {
        private readonly float[] _weights;
        private readonly float[] _bias;

        /// <summary>Creates a dense layer; the arrays are copied.</summary>
        /// <param name="inputDimension">D, the inputs a row.</param>
        /// <param name="outputDimension">M, the outputs a row.</param>
        /// <param name="weights">W, D × M row-major, finite.</param>
        /// <param name="bias">b, M values, finite.</param>
        /// <param name="activation">The function applied to every output.</param>
        /// <exception cref="ArgumentNullException">An array is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A dimension is outside 1 ..
        /// <see cref="LutModelLimits.MaxInputDimension"/> (inputs) or 1 .. <see cref="LutModelLimits.MaxOutputDimension"/>
        /// (outputs), or D × M exceeds <see cref="LutNetworkLimits.MaxDenseWeights"/>.</exception>
        /// <exception cref="ArgumentException">An array has the wrong length or holds a NaN or infinity.</exception>
        public DenseLayer(int inputDimension, int outputDimension, float[] weights, float[] bias,
            LayerActivation activation = LayerActivation.Identity)
            : this(inputDimension, outputDimension, Copy(weights, nameof(weights)), Copy(bias, nameof(bias)), activation, validate: true)
        {
        }

        private DenseLayer(int inputDimension, int outputDimension, float[] weights, float[] bias,
            LayerActivation activation, bool validate)
            : base(activation)
        {
            if (validate)
            {
                CheckDimensions(inputDimension, outputDimension);
                CheckValues(weights, (long)inputDimension * outputDimension, nameof(weights));
                CheckValues(bias, outputDimension, nameof(bias));
            }

            InputDimension = inputDimension;
            OutputDimension = outputDimension;
            _weights = weights;
            _bias = bias;
        }

        /// <inheritdoc />
        public override int InputDimension { get; }

        /// <inheritdoc />
        public override int OutputDimension { get; }

        /// <summary>W, D × M row-major: the weight from input d to output m is <c>Weights[d * M + m]</c>.</summary>
        public ReadOnlySpan<float> Weights => _weights;

        /// <summary>b, one value per output.</summary>
        public ReadOnlySpan<float> Bias => _bias;

        /// <summary>The weight from input <paramref name="input"/> to output <paramref name="output"/>.</summary>
        /// <param name="input">0 .. D − 1.</param>
        /// <param name="output">0 .. M − 1.</param>
        /// <returns><c>W[input, output]</c>.</returns>
        public float Weight(int input, int output)
        {
            if ((uint)input >= (uint)InputDimension) throw new ArgumentOutOfRangeException(nameof(input));
            if ((uint)output >= (uint)OutputDimension) throw new ArgumentOutOfRangeException(nameof(output));
            return _weights[(long)input * OutputDimension + output];
        }

        // Readers and the importer have checked everything and hand over arrays they own.
        internal static DenseLayer CreateValidated(int inputDimension, int outputDimension, float[] weights, float[] bias,
            LayerActivation activation)
            => new DenseLayer(inputDimension, outputDimension, weights, bias, activation, validate: false);

        /// <summary>The index of the first NaN or infinity in <paramref name="values"/>, or −1.</summary>
        internal static int IndexOfNonFinite(float[] values)
        {
            for (int i = 0; i < values.Length; i++)
            {
                if (float.IsNaN(values[i]) || float.IsInfinity(values[i]))
                {
                    return i;
                }
            }

            return -1;
        }

        private static float[] Copy(float[] values, string name)
            => values is null ? throw new ArgumentNullException(name) : (float[])values.Clone();

        private static void CheckDimensions(int inputDimension, int outputDimension)
        {
            if (inputDimension < 1 || inputDimension > LutModelLimits.MaxInputDimension)
            {
                throw new ArgumentOutOfRangeException(nameof(inputDimension), inputDimension,
                    "Expected 1 to " + LutModelLimits.MaxInputDimension + ".");
            }

            if (outputDimension < 1 || outputDimension > LutModelLimits.MaxOutputDimension)
            {
                throw new ArgumentOutOfRangeException(nameof(outputDimension), outputDimension,
                    "Expected 1 to " + LutModelLimits.MaxOutputDimension + ".");
            }

            if ((long)inputDimension * outputDimension > LutNetworkLimits.MaxDenseWeights)
            {
                throw new ArgumentOutOfRangeException(nameof(outputDimension), outputDimension,
                    "inputDimension × outputDimension = " + ((long)inputDimension * outputDimension) +
                    " exceeds the limit of " + LutNetworkLimits.MaxDenseWeights + " weights.");
            }
        }

        private static void CheckValues(float[] values, long expected, string name)
        {
            if (values.Length != expected)
            {
                throw new ArgumentException("Has " + values.Length + " values; expected " + expected + ".", name);
            }

            int bad = IndexOfNonFinite(values);
            if (bad >= 0)
            {
                throw new ArgumentException("Value " + bad + " is " + values[bad].ToString(System.Globalization.CultureInfo.InvariantCulture) +
                    "; a dense layer's weights and bias must be finite.", name);
            }
        }
    }
}
