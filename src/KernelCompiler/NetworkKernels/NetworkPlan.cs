// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System;
using System.Collections.Generic;

namespace KernelCompiler.NetworkKernels
{
    /// <summary>How a layer's values are handed to the next layer inside a fused network kernel.</summary>
    internal enum HandOff
    {
        /// <summary>float32 values: the layer's outputs after dequantisation (or the dense product) and activation.</summary>
        Floats,

        /// <summary>Raw 16-bit integer sums of a LUT layer (exact sum, or G·U for average aggregation); the next LUT
        /// layer decides on them with folded integer thresholds.</summary>
        Sums,
    }

    /// <summary>
    /// The network decided once, read by every fused network backend (the managed kernel here; the C# writer and IL
    /// emitter later): for each layer the units it must compute (only those the next layer's trees split on; every
    /// output for the last layer and before an exact layer), how values reach the next layer, and for a hidden LUT
    /// layer followed by a LUT layer the next layer's thresholds folded to integer thresholds on the sums
    /// (<see cref="ThresholdFolding"/>).
    /// </summary>
    internal sealed class NetworkPlan
    {
        private NetworkPlan(LutNetwork network, NetworkLayerPlan[] layers, int[] inputColumns)
        {
            Network = network;
            Layers = layers;
            InputColumns = inputColumns;
        }

        /// <summary>The planned network.</summary>
        public LutNetwork Network { get; }

        /// <summary>One plan per layer, in order.</summary>
        public IReadOnlyList<NetworkLayerPlan> Layers { get; }

        /// <summary>The input columns the first layer reads, ascending: a LUT layer's distinct split columns, or every
        /// column for a dense layer. The kernel gathers only these.</summary>
        public int[] InputColumns { get; }

        /// <summary>Whether the fused kernel's wide paths (256 and 512 bits) gather the first layer's tile as every
        /// input column transposed (slot = column) rather than only the columns it reads: when it reads at least half of
        /// them, whole 8 × 8 transposes beat gathering one value at a time.</summary>
        public bool TransposesInput => 2 * InputColumns.Length >= Network.InputDimension;

        /// <summary>The input slots LUT layer <paramref name="layer"/>'s trees read, <c>[c · 4 + level]</c>, on a path
        /// of the fused kernel: the plan's split slots, except that the first layer reads column = slot on a wide path
        /// (<paramref name="wide"/>) that transposes the input. Null for a dense layer.</summary>
        public int[]? EncodeSlots(int layer, bool wide)
        {
            NetworkLayerPlan plan = Layers[layer];
            if (plan.Model is not LutModel model) return null;
            return layer == 0 && wide && TransposesInput ? model.SplitDimensions.ToArray() : plan.SplitSlots;
        }

        /// <summary>Plans <paramref name="network"/>.</summary>
        /// <param name="network">The network.</param>
        /// <param name="foldedThresholds">Per layer, folded thresholds computed ahead of time (a generated kernel's
        /// literals) to use instead of folding again; null entries (or a null list) are folded here. An entry must be
        /// given exactly where the layer reads sums and hold one integer per threshold.</param>
        public static NetworkPlan Create(LutNetwork network, IReadOnlyList<int[]?>? foldedThresholds = null)
        {
            if (network is null) throw new ArgumentNullException(nameof(network));
            int count = network.Layers.Count;
            if (foldedThresholds is not null && foldedThresholds.Count != count)
            {
                throw new ArgumentException("Expected folded thresholds for " + count + " layers, got " + foldedThresholds.Count + ".",
                    nameof(foldedThresholds));
            }

            // Back to front: what each layer must compute is what the next one reads.
            var outputs = new int[count][];
            for (int k = count - 1; k >= 0; k--)
            {
                outputs[k] = k == count - 1 ? All(network.Layers[k].OutputDimension) : ReadUnits(network.Layers[k + 1]);
            }

            int[] inputColumns = ReadUnits(network.Layers[0]);
            var plans = new NetworkLayerPlan[count];
            for (int k = 0; k < count; k++)
            {
                NetworkLayer layer = network.Layers[k];
                int[] inputUnits = k == 0 ? inputColumns : outputs[k - 1];
                bool sumsIn = k > 0 && network.Layers[k - 1] is LutLayer && layer is LutLayer;
                bool sumsOut = layer is LutLayer && k + 1 < count && network.Layers[k + 1] is LutLayer;
                int[]? splitSlots = null;
                int[]? folded = null;
                if (layer is LutLayer lut)
                {
                    splitSlots = SplitSlots(lut.Model, inputUnits);
                    int[]? given = foldedThresholds is null ? null : foldedThresholds[k];
                    if (given is not null && (!sumsIn || given.Length != lut.Model.Thresholds.Length))
                    {
                        throw new ArgumentException("Layer " + k + " has " + given.Length + " folded thresholds; it needs " +
                            (sumsIn ? lut.Model.Thresholds.Length : 0) + ".", nameof(foldedThresholds));
                    }

                    if (sumsIn)
                    {
                        folded = given ?? Fold((LutLayer)network.Layers[k - 1], lut.Model);
                    }
                }

                plans[k] = new NetworkLayerPlan(k, layer, inputUnits, sumsIn ? HandOff.Sums : HandOff.Floats,
                    splitSlots, folded, outputs[k], sumsOut ? HandOff.Sums : HandOff.Floats);
            }

            return new NetworkPlan(network, plans, inputColumns);
        }

        /// <summary>The range of raw sums a LUT layer can produce: [0, 255 · C] (exact sums, and G · U for average
        /// aggregation, since U ≤ 255 · C / G).</summary>
        public static int MaxRawSum(LutModel model) => 255 * model.Codebooks;

        /// <summary>What a raw sum is shifted by to give the reference's S: 0 for exact aggregation, the average
        /// bias correction for average aggregation (S' = G · U − correction).</summary>
        public static int RawBias(LutModel model) => model.Aggregation == LutAggregation.Exact ? 0 : model.AverageBiasCorrection;

        /// <summary>Folds every threshold of <paramref name="next"/> onto the raw sums of <paramref name="previous"/>:
        /// entry <c>c · 15 + i</c> is the g with <c>raw &gt; g ⟺ value ≥ threshold[c][i]</c>.</summary>
        private static int[] Fold(LutLayer previous, LutModel next)
        {
            LutModel model = previous.Model;
            int bias = RawBias(model);
            int low = -bias, high = MaxRawSum(model) - bias;
            ReadOnlySpan<float> thresholds = next.Thresholds;
            var folded = new int[thresholds.Length];
            for (int c = 0; c < next.Codebooks; c++)
            {
                for (int level = 0; level < LutModel.TreeDepth; level++)
                {
                    int unit = next.SplitDimension(c, level);
                    float step = model.Steps[unit], offset = model.Offsets[unit];
                    int first = (1 << level) - 1;
                    for (int node = 0; node < 1 << level; node++)
                    {
                        int i = c * LutModel.ThresholdsPerCodebook + first + node;
                        folded[i] = ThresholdFolding.FoldGreaterThan(low, high, step, offset, previous.Activation, thresholds[i]) + bias;
                    }
                }
            }

            return folded;
        }

        /// <summary>For each codebook and level of <paramref name="model"/>, the index in <paramref name="units"/> of
        /// the column it splits on.</summary>
        private static int[] SplitSlots(LutModel model, int[] units)
        {
            var slots = new int[model.Codebooks * LutModel.TreeDepth];
            for (int i = 0; i < slots.Length; i++)
            {
                int slot = Array.BinarySearch(units, model.SplitDimensions[i]);
                slots[i] = slot >= 0 ? slot : throw new InvalidOperationException("Split column " + model.SplitDimensions[i] + " is not computed.");
            }

            return slots;
        }

        /// <summary>The inputs a layer reads, ascending: a LUT layer's distinct split columns, every input of a dense one.</summary>
        private static int[] ReadUnits(NetworkLayer layer)
        {
            if (layer is not LutLayer lut)
            {
                return All(layer.InputDimension);
            }

            var set = new SortedSet<int>();
            foreach (int dim in lut.Model.SplitDimensions)
            {
                set.Add(dim);
            }

            var units = new int[set.Count];
            set.CopyTo(units);
            return units;
        }

        private static int[] All(int count)
        {
            var all = new int[count];
            for (int i = 0; i < count; i++)
            {
                all[i] = i;
            }

            return all;
        }
    }

    /// <summary>One layer of a <see cref="NetworkPlan"/>.</summary>
    internal sealed class NetworkLayerPlan
    {
        public NetworkLayerPlan(int index, NetworkLayer layer, int[] inputUnits, HandOff input, int[]? splitSlots,
            int[]? foldedThresholds, int[] outputs, HandOff output)
        {
            Index = index;
            Layer = layer;
            InputUnits = inputUnits;
            Input = input;
            SplitSlots = splitSlots;
            FoldedThresholds = foldedThresholds;
            Outputs = outputs;
            Output = output;
        }

        /// <summary>The layer's position in the network.</summary>
        public int Index { get; }

        /// <summary>The layer.</summary>
        public NetworkLayer Layer { get; }

        /// <summary>The model of a LUT layer, else null.</summary>
        public LutModel? Model => (Layer as LutLayer)?.Model;

        /// <summary>The units of the previous layer (or input columns) present in this layer's input tile, ascending;
        /// slot i of the tile holds unit <c>InputUnits[i]</c>.</summary>
        public int[] InputUnits { get; }

        /// <summary>How this layer's input arrives: floats, or raw sums of the previous LUT layer.</summary>
        public HandOff Input { get; }

        /// <summary>For a LUT layer, <c>SplitSlots[c · 4 + level]</c> is the input slot the tree reads; else null.</summary>
        public int[]? SplitSlots { get; }

        /// <summary>For a LUT layer reading sums: per threshold (the model's flat order, c · 15 + 2^level − 1 + node)
        /// the integer g with <c>raw &gt; g</c> exactly when the reference's float decision goes right; else null.</summary>
        public int[]? FoldedThresholds { get; }

        /// <summary>The outputs this layer computes, ascending; slot i of the output tile holds output <c>Outputs[i]</c>.</summary>
        public int[] Outputs { get; }

        /// <summary>How this layer's outputs leave it: raw sums (a hidden LUT layer before a LUT layer) or floats.</summary>
        public HandOff Output { get; }
    }
}
