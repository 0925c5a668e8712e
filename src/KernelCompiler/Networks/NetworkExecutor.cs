using System;

namespace KernelCompiler
{
    /// <summary>
    /// Runs a <see cref="LutNetwork"/> on rows of floats: <see cref="Multiply"/> writes the last layer's outputs
    /// (logits, before any recorded <see cref="LutNetwork.OutputTransform"/>), <see cref="Predict"/> the class of each
    /// row. Input rows are row-major N × D, D = <see cref="LutNetwork.InputDimension"/> (a [N, s1, s2, …] tensor
    /// flattened row-major is the same memory). Argument checks follow <see cref="LutKernel"/>: an
    /// <see cref="ArgumentException"/> naming the parameter when the input is not a whole number of rows or a
    /// destination is too short. Instances are immutable and safe to call from many threads at once.
    /// </summary>
    public abstract class NetworkExecutor
    {
        /// <summary>Binds the executor to its network.</summary>
        /// <param name="network">The network to run.</param>
        protected NetworkExecutor(LutNetwork network)
        {
            Network = network ?? throw new ArgumentNullException(nameof(network));
        }

        /// <summary>The network this executor runs.</summary>
        public LutNetwork Network { get; }

        /// <summary>The engine's name: <c>exact</c>, <c>reference</c>, or a compiled backend's name.</summary>
        public abstract string Backend { get; }

        /// <summary>D: floats a row.</summary>
        public int InputDimension => Network.InputDimension;

        /// <summary>M: outputs a row.</summary>
        public int OutputDimension => Network.OutputDimension;

        /// <summary>The exact float network: every layer must be a <see cref="DenseLayer"/>, run in float32 in the
        /// summation order <see cref="DenseLayer"/> documents.</summary>
        /// <param name="network">An all-dense network, e.g. as imported from ONNX.</param>
        /// <returns>The executor.</returns>
        /// <exception cref="ArgumentException">A layer is a <see cref="LutLayer"/>.</exception>
        public static NetworkExecutor CreateExact(LutNetwork network)
        {
            if (network is null) throw new ArgumentNullException(nameof(network));
            for (int i = 0; i < network.Layers.Count; i++)
            {
                if (network.Layers[i] is not DenseLayer)
                {
                    throw new ArgumentException("Layer " + i + " is a LUT layer; the exact network needs every layer dense " +
                        "(use CreateReference to run LUT layers).", nameof(network));
                }
            }

            return new ReferenceNetworkExecutor(network, "exact");
        }

        /// <summary>The reference network, the oracle of every compiled network: each <see cref="LutLayer"/> runs its
        /// model's reference kernel (<see cref="LutKernel.CreateReference"/>), each <see cref="DenseLayer"/> runs
        /// exactly as in <see cref="CreateExact"/>, and each activation is applied in floats.</summary>
        /// <param name="network">Any network.</param>
        /// <returns>The executor.</returns>
        public static NetworkExecutor CreateReference(LutNetwork network)
        {
            if (network is null) throw new ArgumentNullException(nameof(network));
            return new ReferenceNetworkExecutor(network, "reference");
        }

        /// <summary>Runs every layer: <paramref name="destination"/> receives N × M outputs, row-major.</summary>
        /// <param name="x">N × D inputs, row-major.</param>
        /// <param name="destination">At least N × M floats.</param>
        public void Multiply(ReadOnlySpan<float> x, Span<float> destination)
        {
            int rows = RowsOf(x);
            CheckDestination(destination.Length, (long)rows * OutputDimension, nameof(destination));
            MultiplyCore(x, rows, destination);
        }

        /// <summary>The class of each row: the index of its largest output (see <see cref="ArgMax"/>).</summary>
        /// <param name="x">N × D inputs, row-major.</param>
        /// <param name="classes">At least N entries.</param>
        public void Predict(ReadOnlySpan<float> x, Span<int> classes)
        {
            int rows = RowsOf(x);
            CheckDestination(classes.Length, rows, nameof(classes));
            PredictCore(x, rows, classes);
        }

        /// <summary>The index of the largest value: the first of equal maxima; NaN never wins; a row of only NaN is
        /// class 0. Every executor and compiled head decides classes this way.</summary>
        /// <param name="outputs">One row of outputs, not empty.</param>
        /// <returns>The winning index.</returns>
        public static int ArgMax(ReadOnlySpan<float> outputs)
        {
            if (outputs.IsEmpty) throw new ArgumentException("No outputs.", nameof(outputs));
            int best = 0;
            float bestValue = outputs[0];
            for (int i = 1; i < outputs.Length; i++)
            {
                // !(best >= v) would let NaN displace a number; v > best, or a number after a NaN start, never does.
                if (outputs[i] > bestValue || (float.IsNaN(bestValue) && !float.IsNaN(outputs[i])))
                {
                    best = i;
                    bestValue = outputs[i];
                }
            }

            return best;
        }

        /// <summary>Runs <paramref name="rows"/> rows; arguments are checked.</summary>
        /// <param name="x">rows × D inputs.</param>
        /// <param name="rows">N.</param>
        /// <param name="destination">At least rows × M floats.</param>
        protected abstract void MultiplyCore(ReadOnlySpan<float> x, int rows, Span<float> destination);

        /// <summary>Classes for <paramref name="rows"/> rows; arguments are checked. The default runs
        /// <see cref="MultiplyCore"/> on blocks of rows and takes <see cref="ArgMax"/> of each.</summary>
        /// <param name="x">rows × D inputs.</param>
        /// <param name="rows">N.</param>
        /// <param name="classes">At least rows entries.</param>
        protected virtual void PredictCore(ReadOnlySpan<float> x, int rows, Span<int> classes)
        {
            int m = OutputDimension, d = InputDimension;
            int block = Math.Max(1, Math.Min(rows, 256));
            var logits = new float[block * m];
            for (int start = 0; start < rows; start += block)
            {
                int count = Math.Min(block, rows - start);
                MultiplyCore(x.Slice(start * d, count * d), count, logits);
                for (int r = 0; r < count; r++)
                {
                    classes[start + r] = ArgMax(new ReadOnlySpan<float>(logits, r * m, m));
                }
            }
        }

        private int RowsOf(ReadOnlySpan<float> x)
        {
            if (x.Length % InputDimension != 0)
            {
                throw new ArgumentException(
                    "Input length " + x.Length + " is not a whole number of rows of " + InputDimension + " values.", nameof(x));
            }

            return x.Length / InputDimension;
        }

        private static void CheckDestination(int length, long required, string name)
        {
            if (length < required)
            {
                throw new ArgumentException(
                    "Destination is too short: " + length + " elements for " + required + " results.", name);
            }
        }
    }
}
