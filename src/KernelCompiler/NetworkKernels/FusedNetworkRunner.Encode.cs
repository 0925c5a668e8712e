using System.Runtime.Intrinsics;
using KernelCompiler.Runtime;

namespace KernelCompiler.NetworkKernels
{
    internal sealed partial class FusedNetworkRunner
    {
        /// <summary>Codes of the tile's 64 rows for every codebook (docs/algorithm.md §1), by the network's steps for
        /// the path this runner runs: floats against the model's thresholds, or raw sums against the plan's folded
        /// integer thresholds (<c>raw &gt; g</c>).</summary>
        private unsafe void Encode<TSteps>(ref TSteps steps, int k, LayerState layer, byte* values, byte* codes)
            where TSteps : struct, INetworkKernelSteps
        {
            ref byte v = ref *values, c = ref *codes;
            if (layer.Quad) steps.EncodeQuads512(k, ref v, ref c);
            else if (Width >= 512) steps.Encode512(k, ref v, ref c);
            else if (Width >= 256) steps.Encode256(k, ref v, ref c);
            else if (Neon) steps.EncodeAdvSimd(k, ref v, ref c);
            else steps.EncodeScalar(k, ref v, ref c);
        }

        // The table-driven steps (TableNetworkSteps): the same per-codebook helpers the generated and emitted steps
        // call, with the split slots and thresholds read from the layer's arrays (each padded by one entry, so a
        // 16-wide load at the last codebook stays inside).

        internal unsafe void EncodeTable512(int k, ref byte values, ref byte codes)
        {
            LayerState layer = _layers[k];
            fixed (int* slots = layer.SplitSlots)
            fixed (float* ft = layer.FloatThresholds)
            fixed (int* it = layer.IntThresholds)
            {
                if (layer.Plan.Input == HandOff.Sums)
                {
                    for (int c = 0; c < layer.Codebooks; c++)
                    {
                        int* s = slots + 4 * c;
                        NetworkEncodeSteps.Sums512(ref values, ref codes, c, s[0], s[1], s[2], s[3], Vector512.Load(it + c * 15));
                    }
                }
                else
                {
                    for (int c = 0; c < layer.Codebooks; c++)
                    {
                        int* s = slots + 4 * c;
                        NetworkEncodeSteps.Floats512(ref values, ref codes, c, s[0], s[1], s[2], s[3], Vector512.Load(ft + c * 15));
                    }
                }
            }
        }

        internal unsafe void EncodeTableQuads512(int k, ref byte values, ref byte codes)
        {
            LayerState layer = _layers[k];
            int cb = layer.Codebooks;
            fixed (int* slots = layer.SplitSlots)
            fixed (float* ft = layer.FloatThresholds)
            fixed (int* it = layer.IntThresholds)
            {
                // A codebook past C: slot −1 (no code, a zero table entry).
                int* none = stackalloc int[] { -1, -1, -1, -1 };
                bool sums = layer.Plan.Input == HandOff.Sums;
                for (int q = 0; q < (cb + 3) / 4; q++)
                {
                    int c = 4 * q;
                    int* a = slots + 4 * c, b = c + 1 < cb ? slots + 4 * (c + 1) : none;
                    int* d2 = c + 2 < cb ? slots + 4 * (c + 2) : none, d3 = c + 3 < cb ? slots + 4 * (c + 3) : none;
                    if (sums)
                    {
                        NetworkEncodeSteps.SumsQuads512(ref values, ref codes, q,
                            a[0], a[1], a[2], a[3], Vector512.Load(it + c * 15),
                            b[0], b[1], b[2], b[3], c + 1 < cb ? Vector512.Load(it + (c + 1) * 15) : default,
                            d2[0], d2[1], d2[2], d2[3], c + 2 < cb ? Vector512.Load(it + (c + 2) * 15) : default,
                            d3[0], d3[1], d3[2], d3[3], c + 3 < cb ? Vector512.Load(it + (c + 3) * 15) : default);
                    }
                    else
                    {
                        NetworkEncodeSteps.FloatsQuads512(ref values, ref codes, q,
                            a[0], a[1], a[2], a[3], Vector512.Load(ft + c * 15),
                            b[0], b[1], b[2], b[3], c + 1 < cb ? Vector512.Load(ft + (c + 1) * 15) : default,
                            d2[0], d2[1], d2[2], d2[3], c + 2 < cb ? Vector512.Load(ft + (c + 2) * 15) : default,
                            d3[0], d3[1], d3[2], d3[3], c + 3 < cb ? Vector512.Load(ft + (c + 3) * 15) : default);
                    }
                }
            }
        }

        internal unsafe void EncodeTable256(int k, ref byte values, ref byte codes)
        {
            LayerState layer = _layers[k];
            fixed (int* slots = layer.SplitSlots)
            fixed (float* ft = layer.FloatThresholds)
            fixed (int* it = layer.IntThresholds)
            {
                if (layer.Plan.Input == HandOff.Sums)
                {
                    for (int c = 0; c < layer.Codebooks; c++)
                    {
                        int* s = slots + 4 * c;
                        NetworkEncodeSteps.Sums256(ref values, ref codes, c, s[0], s[1], s[2], s[3],
                            Vector256.Load(it + c * 15), Vector256.Load(it + c * 15 + 7));
                    }
                }
                else
                {
                    for (int c = 0; c < layer.Codebooks; c++)
                    {
                        int* s = slots + 4 * c;
                        NetworkEncodeSteps.Floats256(ref values, ref codes, c, s[0], s[1], s[2], s[3],
                            Vector256.Load(ft + c * 15), Vector256.Load(ft + c * 15 + 7));
                    }
                }
            }
        }

        internal unsafe void EncodeTableAdvSimd(int k, ref byte values, ref byte codes) => EncodeTable128(k, ref values, ref codes, scalar: false);

        internal unsafe void EncodeTableScalar(int k, ref byte values, ref byte codes) => EncodeTable128(k, ref values, ref codes, scalar: true);

        private unsafe void EncodeTable128(int k, ref byte values, ref byte codes, bool scalar)
        {
            LayerState layer = _layers[k];
            fixed (int* slots = layer.SplitSlots)
            fixed (float* ft = layer.FloatThresholds)
            fixed (int* it = layer.IntThresholds)
            {
                bool sums = layer.Plan.Input == HandOff.Sums;
                for (int c = 0; c < layer.Codebooks; c++)
                {
                    int* s = slots + 4 * c;
                    if (sums)
                    {
                        int* t = it + c * 15;
                        var (t0, t1, t2, t3) = (Vector128.Load(t), Vector128.Load(t + 4), Vector128.Load(t + 8), Vector128.Load(t + 12));
                        if (scalar) NetworkEncodeSteps.SumsScalar(ref values, ref codes, c, s[0], s[1], s[2], s[3], t0, t1, t2, t3);
                        else NetworkEncodeSteps.SumsAdvSimd(ref values, ref codes, c, s[0], s[1], s[2], s[3], t0, t1, t2, t3);
                    }
                    else
                    {
                        float* t = ft + c * 15;
                        var (t0, t1, t2, t3) = (Vector128.Load(t), Vector128.Load(t + 4), Vector128.Load(t + 8), Vector128.Load(t + 12));
                        if (scalar) NetworkEncodeSteps.FloatsScalar(ref values, ref codes, c, s[0], s[1], s[2], s[3], t0, t1, t2, t3);
                        else NetworkEncodeSteps.FloatsAdvSimd(ref values, ref codes, c, s[0], s[1], s[2], s[3], t0, t1, t2, t3);
                    }
                }
            }
        }
    }

    /// <summary>The table-driven network steps: every layer's encode reads the plan's split slots and thresholds as
    /// data (the fused kernel without generated code, and the fallback where dynamic code is unavailable).</summary>
    internal readonly struct TableNetworkSteps : INetworkKernelSteps
    {
        private readonly FusedNetworkRunner _runner;

        public TableNetworkSteps(FusedNetworkRunner runner)
        {
            _runner = runner;
        }

        public void EncodeScalar(int layer, ref byte values, ref byte codes) => _runner.EncodeTableScalar(layer, ref values, ref codes);

        public void EncodeAdvSimd(int layer, ref byte values, ref byte codes) => _runner.EncodeTableAdvSimd(layer, ref values, ref codes);

        public void Encode256(int layer, ref byte values, ref byte codes) => _runner.EncodeTable256(layer, ref values, ref codes);

        public void Encode512(int layer, ref byte values, ref byte codes) => _runner.EncodeTable512(layer, ref values, ref codes);

        public void EncodeQuads512(int layer, ref byte values, ref byte codes) => _runner.EncodeTableQuads512(layer, ref values, ref codes);
    }
}
