// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System;
using System.Collections.Generic;

namespace KernelCompiler
{
    /// <summary>
    /// The input adapter of a <see cref="LutNetwork"/>: the source graph's input is a tensor [batch, s1, s2, …]; each
    /// batch entry is flattened in row-major order to one row of <see cref="Dimension"/> = s1 · s2 · … floats, which
    /// is what the first layer reads. The batch axis takes any size at run time.
    /// </summary>
    public sealed class NetworkInput
    {
        private readonly int[] _shape;

        /// <summary>Creates an input adapter.</summary>
        /// <param name="name">The input's name in the source graph, e.g. <c>pixels</c>.</param>
        /// <param name="shape">The axes after the batch axis, e.g. [1, 28, 28] or [784]; each at least 1.</param>
        /// <param name="batchName">How the source graph named its batch axis: a symbol such as <c>batch</c> or the
        /// fixed size it declared as text, e.g. <c>1</c>; informational only.</param>
        /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="shape"/> is null.</exception>
        /// <exception cref="ArgumentException">The shape is empty, has more than <see cref="LutNetworkLimits.MaxInputRank"/>
        /// axes, an axis below 1, or a product above <see cref="LutModelLimits.MaxInputDimension"/>.</exception>
        public NetworkInput(string name, IReadOnlyList<int> shape, string batchName = "batch")
        {
            Name = name ?? throw new ArgumentNullException(nameof(name));
            BatchName = batchName ?? throw new ArgumentNullException(nameof(batchName));
            if (shape is null) throw new ArgumentNullException(nameof(shape));
            string? problem = Check(shape, out long dimension);
            if (problem is not null)
            {
                throw new ArgumentException(problem, nameof(shape));
            }

            _shape = new int[shape.Count];
            for (int i = 0; i < _shape.Length; i++)
            {
                _shape[i] = shape[i];
            }

            Dimension = (int)dimension;
        }

        /// <summary>The input's name in the source graph.</summary>
        public string Name { get; }

        /// <summary>The source graph's name (or declared size) of the batch axis; any batch size is accepted.</summary>
        public string BatchName { get; }

        /// <summary>The axes after the batch axis.</summary>
        public IReadOnlyList<int> Shape => _shape;

        /// <summary>D: the number of floats in one row, the product of <see cref="Shape"/>.</summary>
        public int Dimension { get; }

        /// <summary>A flat input of <paramref name="dimension"/> columns named <c>input</c>.</summary>
        /// <param name="dimension">D.</param>
        /// <returns>An adapter with shape [D].</returns>
        public static NetworkInput Flat(int dimension) => new NetworkInput("input", new[] { dimension });

        /// <summary>Null when the shape is acceptable, else what is wrong with it.</summary>
        internal static string? Check(IReadOnlyList<int> shape, out long dimension)
        {
            dimension = 1;
            if (shape.Count < 1 || shape.Count > LutNetworkLimits.MaxInputRank)
            {
                return "has " + shape.Count + " axes after the batch axis; expected 1 to " + LutNetworkLimits.MaxInputRank;
            }

            for (int i = 0; i < shape.Count; i++)
            {
                if (shape[i] < 1)
                {
                    return "axis " + (i + 1) + " has size " + shape[i] + "; expected at least 1";
                }

                dimension *= shape[i];
                if (dimension > LutModelLimits.MaxInputDimension)
                {
                    return "the product of the axes after the batch axis exceeds " + LutModelLimits.MaxInputDimension;
                }
            }

            return null;
        }
    }
}
