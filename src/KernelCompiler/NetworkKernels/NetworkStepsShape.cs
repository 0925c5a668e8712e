// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System;
using System.Collections.Generic;
using System.Globalization;

namespace KernelCompiler.NetworkKernels
{
    /// <summary>
    /// The network steps struct (KernelCompiler.Runtime.INetworkKernelSteps) that the C# network writer and the IL
    /// network emitter both write, decided once from the plan: per LUT layer k and encode path p a static method
    /// <c>Layer{k}Encode{p}</c> calling its parts <c>Layer{k}Encode{p}Part{j}</c> in order, each part a short list of
    /// calls of a NetworkEncodeSteps helper, one per codebook (one per group of four on the quad path), with the
    /// codebook's split slots and thresholds as constants; each interface method <c>Encode{p}(layer, ...)</c>
    /// dispatches on the layer to the layer's method.
    /// </summary>
    /// <remarks>Parts are short so that the JIT inlines every helper call in them: one method of hundreds of calls runs
    /// out of the JIT's inlining budget and leaves most of them as calls taking their vectors through memory.</remarks>
    internal static class NetworkStepsShape
    {
        /// <summary>The encode paths, as the interface names them (<c>Encode</c> + path).</summary>
        public static readonly string[] Paths = { "Scalar", "AdvSimd", "256", "512", "Quads512" };

        /// <summary>The name of layer <paramref name="layer"/>'s method for <paramref name="path"/>.</summary>
        public static string MethodName(int layer, string path) => "Layer" + layer.ToString(CultureInfo.InvariantCulture) + "Encode" + path;

        /// <summary>Whether the steps have a method for the layer on the path: LUT layers only, and on the quad path
        /// (64-byte table lookups) exact-aggregation layers only.</summary>
        public static bool Has(NetworkLayerPlan layer, string path)
            => layer.Model is LutModel model && (path != "Quads512" || model.Aggregation == LutAggregation.Exact);

        /// <summary>Whether the path is one of the wide ones (256 and 512 bits), whose first layer may read the
        /// transposed tile of every column (<see cref="NetworkPlan.EncodeSlots"/>).</summary>
        public static bool Wide(string path) => path == "256" || path == "512" || path == "Quads512";

        /// <summary>Helper calls a part: one group of four codebooks on the quad path, four codebooks on the others.</summary>
        public static int CallsPerPart(string path) => path == "Quads512" ? 1 : 4;

        /// <summary>The name of part <paramref name="part"/> of layer <paramref name="layer"/>'s method for
        /// <paramref name="path"/>.</summary>
        public static string PartName(int layer, string path, int part) => MethodName(layer, path) + "Part" + part.ToString(CultureInfo.InvariantCulture);

        /// <summary>The calls of layer <paramref name="layer"/>'s method for <paramref name="path"/> in parts, in order.</summary>
        public static List<List<EncodeCall>> Parts(NetworkPlan plan, int layer, string path)
        {
            List<EncodeCall> calls = Calls(plan, layer, path);
            int per = CallsPerPart(path);
            var parts = new List<List<EncodeCall>>();
            for (int start = 0; start < calls.Count; start += per)
            {
                parts.Add(calls.GetRange(start, Math.Min(per, calls.Count - start)));
            }

            return parts;
        }

        /// <summary>The calls of layer <paramref name="layer"/>'s method for <paramref name="path"/>, in order.</summary>
        public static List<EncodeCall> Calls(NetworkPlan plan, int layer, string path)
        {
            NetworkLayerPlan lp = plan.Layers[layer];
            LutModel model = lp.Model ?? throw new ArgumentException("Layer " + layer + " is not a LUT layer.", nameof(layer));
            bool sums = lp.Input == HandOff.Sums;
            int[] slots = plan.EncodeSlots(layer, Wide(path))!;
            string helper = (sums ? "Sums" : "Floats") + path;
            var calls = new List<EncodeCall>();
            int c = model.Codebooks;
            if (path == "Quads512")
            {
                for (int q = 0; q < (c + 3) / 4; q++)
                {
                    var args = new List<object> { q };
                    for (int k = 0; k < 4; k++)
                    {
                        int cb = 4 * q + k;
                        for (int level = 0; level < LutModel.TreeDepth; level++)
                        {
                            args.Add(cb < c ? slots[cb * 4 + level] : -1);
                        }

                        args.Add(cb < c ? Vector(model, lp, cb, 0, 16, 512, sums) : ThresholdVector.Zero(512, sums));
                    }

                    calls.Add(new EncodeCall(helper, args, "codebooks " + Int(4 * q) + ".." + Int(Math.Min(c, 4 * q + 4) - 1)));
                }

                return calls;
            }

            for (int cb = 0; cb < c; cb++)
            {
                var args = new List<object> { cb, slots[cb * 4], slots[cb * 4 + 1], slots[cb * 4 + 2], slots[cb * 4 + 3] };
                switch (path)
                {
                    case "512":
                        args.Add(Vector(model, lp, cb, 0, 16, 512, sums));
                        break;
                    case "256":
                        // Levels 0–2 (thresholds 0..7) and level 3 (7..14), as vpermd picks them.
                        args.Add(Vector(model, lp, cb, 0, 8, 256, sums));
                        args.Add(Vector(model, lp, cb, 7, 8, 256, sums));
                        break;
                    default:
                        for (int i = 0; i < 4; i++) args.Add(Vector(model, lp, cb, 4 * i, 4, 128, sums));
                        break;
                }

                calls.Add(new EncodeCall(helper, args, "codebook " + Int(cb)));
            }

            return calls;
        }

        /// <summary>Thresholds <paramref name="start"/> .. + <paramref name="count"/> − 1 of codebook
        /// <paramref name="codebook"/>; entry 15 (past the tree's 15, never picked) is 0.</summary>
        private static ThresholdVector Vector(LutModel model, NetworkLayerPlan layer, int codebook, int start, int count, int width, bool sums)
        {
            int first = codebook * LutModel.ThresholdsPerCodebook;
            if (sums)
            {
                var ints = new int[count];
                for (int i = 0; i < count; i++)
                {
                    ints[i] = start + i < LutModel.ThresholdsPerCodebook ? layer.FoldedThresholds![first + start + i] : 0;
                }

                return new ThresholdVector(width, null, ints);
            }

            var floats = new float[count];
            ReadOnlySpan<float> thresholds = model.Thresholds;
            for (int i = 0; i < count; i++)
            {
                floats[i] = start + i < LutModel.ThresholdsPerCodebook ? thresholds[first + start + i] : 0f;
            }

            return new ThresholdVector(width, floats, null);
        }

        private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>One call of a NetworkEncodeSteps helper: after <c>ref values, ref codes</c>, its arguments in order,
    /// each an int (codebook or quad, slots) or a <see cref="ThresholdVector"/>.</summary>
    internal sealed class EncodeCall
    {
        public EncodeCall(string helper, List<object> arguments, string comment)
        {
            Helper = helper;
            Arguments = arguments;
            Comment = comment;
        }

        /// <summary>The helper's name.</summary>
        public string Helper { get; }

        /// <summary>ints and <see cref="ThresholdVector"/>s.</summary>
        public List<object> Arguments { get; }

        /// <summary>What the call encodes, for the C# comment.</summary>
        public string Comment { get; }
    }

    /// <summary>A constant vector of thresholds: float (a layer reading floats) or int (folded, a layer reading sums),
    /// or all zero (<see cref="IsZero"/>: a codebook past C on the quad path).</summary>
    internal sealed class ThresholdVector
    {
        public ThresholdVector(int width, float[]? floats, int[]? ints, bool isInt = false)
        {
            Width = width;
            Floats = floats;
            Ints = ints;
            IsInt = ints is not null || isInt;
        }

        /// <summary>Bits: 128, 256 or 512.</summary>
        public int Width { get; }

        /// <summary>Float lanes, or null.</summary>
        public float[]? Floats { get; }

        /// <summary>Int lanes, or null.</summary>
        public int[]? Ints { get; }

        /// <summary>Whether the lanes are ints.</summary>
        public bool IsInt { get; }

        /// <summary>Whether this is the zero vector.</summary>
        public bool IsZero => Floats is null && Ints is null;

        /// <summary>Lanes: 4, 8 or 16 (32-bit).</summary>
        public int Lanes => Width / 32;

        /// <summary>The zero vector of <paramref name="width"/> bits.</summary>
        public static ThresholdVector Zero(int width, bool ints) => new ThresholdVector(width, null, null, ints);
    }
}
