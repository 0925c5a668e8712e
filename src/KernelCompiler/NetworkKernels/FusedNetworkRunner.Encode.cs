using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KernelCompiler.NetworkKernels
{
    internal sealed partial class FusedNetworkRunner
    {
        /// <summary>Codes of the tile's 64 rows for every codebook (docs/algorithm.md §1): floats against the model's
        /// thresholds, or raw sums against the plan's folded integer thresholds (<c>raw &gt; g</c>).</summary>
        private unsafe void Encode(LayerState layer, byte* values, byte* codes)
        {
            fixed (int* slots = layer.SplitSlots)
            fixed (float* ft = layer.FloatThresholds)
            fixed (int* it = layer.IntThresholds)
            {
                bool sums = layer.Plan.Input == HandOff.Sums;
                if (layer.Quad)
                {
                    if (sums) EncodeQuads512((ushort*)values, slots, it, layer.Codebooks, codes);
                    else EncodeQuads512((float*)values, slots, ft, layer.Codebooks, codes);
                }
                else if (Width >= 512)
                {
                    if (sums) EncodeSums512((ushort*)values, slots, it, layer.Codebooks, codes);
                    else EncodeFloats512((float*)values, slots, ft, layer.Codebooks, codes);
                }
                else if (Width >= 256)
                {
                    if (sums) EncodeSums256((ushort*)values, slots, it, layer.Codebooks, codes);
                    else EncodeFloats256((float*)values, slots, ft, layer.Codebooks, codes);
                }
                else if (Neon)
                {
                    if (sums) EncodeSumsNeon((ushort*)values, slots, it, layer.Codebooks, codes);
                    else EncodeFloatsNeon((float*)values, slots, ft, layer.Codebooks, codes);
                }
                else
                {
                    if (sums) EncodeSumsScalar((ushort*)values, slots, it, layer.Codebooks, codes);
                    else EncodeFloatsScalar((float*)values, slots, ft, layer.Codebooks, codes);
                }
            }
        }

        /// <summary>Where row r of a tile goes in a codebook's 64 code bytes.</summary>
        private static int CodeLane(int r) => ((r & 31) << 1) | (r >> 5);

        private static unsafe void EncodeFloatsScalar(float* values, int* slots, float* thresholds, int codebooks, byte* codes)
        {
            for (int c = 0; c < codebooks; c++)
            {
                for (int r = 0; r < TileRows; r++)
                {
                    int node = 0;
                    for (int level = 0; level < LutModel.TreeDepth; level++)
                    {
                        float v = values[slots[c * 4 + level] * TileRows + r];
                        node = 2 * node + (v >= thresholds[c * 15 + (1 << level) - 1 + node] ? 1 : 0);
                    }

                    codes[c * TileRows + CodeLane(r)] = (byte)node;
                }
            }
        }

        private static unsafe void EncodeSumsScalar(ushort* values, int* slots, int* thresholds, int codebooks, byte* codes)
        {
            for (int c = 0; c < codebooks; c++)
            {
                for (int r = 0; r < TileRows; r++)
                {
                    int node = 0;
                    for (int level = 0; level < LutModel.TreeDepth; level++)
                    {
                        int v = values[slots[c * 4 + level] * TileRows + r];
                        node = 2 * node + (v > thresholds[c * 15 + (1 << level) - 1 + node] ? 1 : 0);
                    }

                    codes[c * TileRows + CodeLane(r)] = (byte)node;
                }
            }
        }

        // 512 bits: 16 rows a vector; one vector holds a tree's 15 thresholds and vpermd picks each row's.
        private static unsafe void EncodeFloats512(float* values, int* slots, float* thresholds, int codebooks, byte* codes)
        {
            for (int c = 0; c < codebooks; c++)
            {
                Vector512<float> t = Vector512.Load(thresholds + c * 15);
                float* s0 = values + slots[c * 4] * TileRows, s1 = values + slots[c * 4 + 1] * TileRows;
                float* s2 = values + slots[c * 4 + 2] * TileRows, s3 = values + slots[c * 4 + 3] * TileRows;
                for (int q = 0; q < 2; q++)
                {
                    int lo = 16 * q, hi = 32 + 16 * q;
                    Vector512<int> a = Node512(s0 + lo, s1 + lo, s2 + lo, s3 + lo, t);
                    Vector512<int> b = Node512(s0 + hi, s1 + hi, s2 + hi, s3 + hi, t);
                    Vector256<ushort> pair = Avx512F.ConvertToVector256UInt16((a | (b << 8)).AsUInt32());
                    pair.Store((ushort*)(codes + c * TileRows) + 16 * q);
                }
            }
        }

        private static unsafe Vector512<int> Node512(float* v0, float* v1, float* v2, float* v3, Vector512<float> t)
        {
            // node = 2·node + bit; a true compare is all ones (−1), so subtracting it adds the bit.
            Vector512<int> node = -Vector512.GreaterThanOrEqual(Vector512.Load(v0), Vector512.Create(t.ToScalar())).AsInt32();
            node = (node << 1) - Vector512.GreaterThanOrEqual(Vector512.Load(v1), Avx512F.PermuteVar16x32(t, node + Vector512.Create(1))).AsInt32();
            node = (node << 1) - Vector512.GreaterThanOrEqual(Vector512.Load(v2), Avx512F.PermuteVar16x32(t, node + Vector512.Create(3))).AsInt32();
            node = (node << 1) - Vector512.GreaterThanOrEqual(Vector512.Load(v3), Avx512F.PermuteVar16x32(t, node + Vector512.Create(7))).AsInt32();
            return node;
        }

        private static unsafe void EncodeSums512(ushort* values, int* slots, int* thresholds, int codebooks, byte* codes)
        {
            for (int c = 0; c < codebooks; c++)
            {
                Vector512<int> t = Vector512.Load(thresholds + c * 15);
                ushort* s0 = values + slots[c * 4] * TileRows, s1 = values + slots[c * 4 + 1] * TileRows;
                ushort* s2 = values + slots[c * 4 + 2] * TileRows, s3 = values + slots[c * 4 + 3] * TileRows;
                for (int q = 0; q < 2; q++)
                {
                    int lo = 16 * q, hi = 32 + 16 * q;
                    Vector512<int> a = Node512(s0 + lo, s1 + lo, s2 + lo, s3 + lo, t);
                    Vector512<int> b = Node512(s0 + hi, s1 + hi, s2 + hi, s3 + hi, t);
                    Vector256<ushort> pair = Avx512F.ConvertToVector256UInt16((a | (b << 8)).AsUInt32());
                    pair.Store((ushort*)(codes + c * TileRows) + 16 * q);
                }
            }
        }

        private static unsafe Vector512<int> Node512(ushort* v0, ushort* v1, ushort* v2, ushort* v3, Vector512<int> t)
        {
            Vector512<int> node = -Vector512.GreaterThan(Widen(v0), Vector512.Create(t.ToScalar()));
            node = (node << 1) - Vector512.GreaterThan(Widen(v1), Avx512F.PermuteVar16x32(t, node + Vector512.Create(1)));
            node = (node << 1) - Vector512.GreaterThan(Widen(v2), Avx512F.PermuteVar16x32(t, node + Vector512.Create(3)));
            node = (node << 1) - Vector512.GreaterThan(Widen(v3), Avx512F.PermuteVar16x32(t, node + Vector512.Create(7)));
            return node;
        }

        private static unsafe Vector512<int> Widen(ushort* p) => Avx512F.ConvertToVector512Int32(Vector256.Load(p));

        // The vpermb layout: for codebooks 4q .. 4q + 3 and rows 16b .. 16b + 15, 64 bytes at (4q + b) · 64 whose
        // byte 4i + k is 16k + code(row 16b + i, codebook 4q + k): the index into that row's 64-byte table of four
        // codebooks. One int32 lane per row packs the four bytes. Missing codebooks past C get code 0 (a zero table).
        private static unsafe void EncodeQuads512(float* values, int* slots, float* thresholds, int codebooks, byte* codes)
        {
            for (int q = 0; q < (codebooks + 3) / 4; q++)
            {
                for (int b = 0; b < 4; b++)
                {
                    Vector512<int> packed = Vector512.Create(0x30201000);
                    for (int k = 0; k < 4 && 4 * q + k < codebooks; k++)
                    {
                        int c = 4 * q + k;
                        Vector512<float> t = Vector512.Load(thresholds + c * 15);
                        int o = 16 * b;
                        Vector512<int> node = Node512(values + slots[c * 4] * TileRows + o, values + slots[c * 4 + 1] * TileRows + o,
                            values + slots[c * 4 + 2] * TileRows + o, values + slots[c * 4 + 3] * TileRows + o, t);
                        packed |= node << (8 * k);
                    }

                    packed.AsByte().Store(codes + (4 * q + b) * TileRows);
                }
            }
        }

        private static unsafe void EncodeQuads512(ushort* values, int* slots, int* thresholds, int codebooks, byte* codes)
        {
            for (int q = 0; q < (codebooks + 3) / 4; q++)
            {
                for (int b = 0; b < 4; b++)
                {
                    Vector512<int> packed = Vector512.Create(0x30201000);
                    for (int k = 0; k < 4 && 4 * q + k < codebooks; k++)
                    {
                        int c = 4 * q + k;
                        Vector512<int> t = Vector512.Load(thresholds + c * 15);
                        int o = 16 * b;
                        Vector512<int> node = Node512(values + slots[c * 4] * TileRows + o, values + slots[c * 4 + 1] * TileRows + o,
                            values + slots[c * 4 + 2] * TileRows + o, values + slots[c * 4 + 3] * TileRows + o, t);
                        packed |= node << (8 * k);
                    }

                    packed.AsByte().Store(codes + (4 * q + b) * TileRows);
                }
            }
        }

        // 256 bits: 8 rows a vector; thresholds 0..7 (levels 0–2) in one vector, 7..14 (level 3) in another.
        private static unsafe void EncodeFloats256(float* values, int* slots, float* thresholds, int codebooks, byte* codes)
        {
            for (int c = 0; c < codebooks; c++)
            {
                Vector256<float> t0 = Vector256.Load(thresholds + c * 15), t1 = Vector256.Load(thresholds + c * 15 + 7);
                float* s0 = values + slots[c * 4] * TileRows, s1 = values + slots[c * 4 + 1] * TileRows;
                float* s2 = values + slots[c * 4 + 2] * TileRows, s3 = values + slots[c * 4 + 3] * TileRows;
                for (int q = 0; q < 4; q++)
                {
                    int lo = 8 * q, hi = 32 + 8 * q;
                    Vector256<int> a = Node256(s0 + lo, s1 + lo, s2 + lo, s3 + lo, t0, t1);
                    Vector256<int> b = Node256(s0 + hi, s1 + hi, s2 + hi, s3 + hi, t0, t1);
                    StorePairs256(a | (b << 8), codes + c * TileRows, q);
                }
            }
        }

        private static unsafe Vector256<int> Node256(float* v0, float* v1, float* v2, float* v3, Vector256<float> t0, Vector256<float> t1)
        {
            Vector256<int> node = -Vector256.GreaterThanOrEqual(Vector256.Load(v0), Vector256.Create(t0.ToScalar())).AsInt32();
            node = (node << 1) - Vector256.GreaterThanOrEqual(Vector256.Load(v1), Avx2.PermuteVar8x32(t0, node + Vector256.Create(1))).AsInt32();
            node = (node << 1) - Vector256.GreaterThanOrEqual(Vector256.Load(v2), Avx2.PermuteVar8x32(t0, node + Vector256.Create(3))).AsInt32();
            node = (node << 1) - Vector256.GreaterThanOrEqual(Vector256.Load(v3), Avx2.PermuteVar8x32(t1, node)).AsInt32();
            return node;
        }

        private static unsafe void EncodeSums256(ushort* values, int* slots, int* thresholds, int codebooks, byte* codes)
        {
            for (int c = 0; c < codebooks; c++)
            {
                Vector256<int> t0 = Vector256.Load(thresholds + c * 15), t1 = Vector256.Load(thresholds + c * 15 + 7);
                ushort* s0 = values + slots[c * 4] * TileRows, s1 = values + slots[c * 4 + 1] * TileRows;
                ushort* s2 = values + slots[c * 4 + 2] * TileRows, s3 = values + slots[c * 4 + 3] * TileRows;
                for (int q = 0; q < 4; q++)
                {
                    int lo = 8 * q, hi = 32 + 8 * q;
                    Vector256<int> a = Node256(s0 + lo, s1 + lo, s2 + lo, s3 + lo, t0, t1);
                    Vector256<int> b = Node256(s0 + hi, s1 + hi, s2 + hi, s3 + hi, t0, t1);
                    StorePairs256(a | (b << 8), codes + c * TileRows, q);
                }
            }
        }

        private static unsafe Vector256<int> Node256(ushort* v0, ushort* v1, ushort* v2, ushort* v3, Vector256<int> t0, Vector256<int> t1)
        {
            Vector256<int> node = -Vector256.GreaterThan(Widen256(v0), Vector256.Create(t0.ToScalar()));
            node = (node << 1) - Vector256.GreaterThan(Widen256(v1), Avx2.PermuteVar8x32(t0, node + Vector256.Create(1)));
            node = (node << 1) - Vector256.GreaterThan(Widen256(v2), Avx2.PermuteVar8x32(t0, node + Vector256.Create(3)));
            node = (node << 1) - Vector256.GreaterThan(Widen256(v3), Avx2.PermuteVar8x32(t1, node));
            return node;
        }

        private static unsafe Vector256<int> Widen256(ushort* p) => Avx2.ConvertToVector256Int32(p).AsInt32();

        /// <summary>Stores 8 code pairs (low byte row p, high byte row p + 32) as 16-bit lanes 8q .. 8q + 7.</summary>
        private static unsafe void StorePairs256(Vector256<int> pairs, byte* codebookCodes, int q)
        {
            // Each pair is at most 0x0F0F, so packing with unsigned saturation is exact.
            Vector128<ushort> packed = Sse41.PackUnsignedSaturate(pairs.GetLower(), pairs.GetUpper());
            packed.Store((ushort*)codebookCodes + 8 * q);
        }
    }
}
