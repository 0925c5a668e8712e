using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace KernelCompiler.NetworkKernels
{
    internal sealed partial class FusedNetworkRunner
    {
        // The Arm64 AdvSimd (NEON) path of the 128-bit width: the same tile layouts as the x86 paths (codes of rows p
        // and p + 32 in one 16-bit lane, sums in row order), so the steps before and after it are shared.

        /// <summary>Whether the 128-bit width runs the AdvSimd steps below (Arm64) rather than the SSSE3 ones.</summary>
        private bool Neon => Width == 128 && AdvSimd.Arm64.IsSupported;

        // Encoding, 4 rows a vector. A tree's 15 thresholds (plus the next one, never picked) fill four registers,
        // and one 4-register tbl picks each row's threshold by its node index, as vpermd does on AVX2.
        private static unsafe void EncodeFloatsNeon(float* values, int* slots, float* thresholds, int codebooks, byte* codes)
        {
            for (int c = 0; c < codebooks; c++)
            {
                byte* t = (byte*)(thresholds + c * 15);
                var table = (Vector128.Load(t), Vector128.Load(t + 16), Vector128.Load(t + 32), Vector128.Load(t + 48));
                Vector128<float> root = Vector128.Create(thresholds[c * 15]);
                float* s0 = values + slots[c * 4] * TileRows, s1 = values + slots[c * 4 + 1] * TileRows;
                float* s2 = values + slots[c * 4 + 2] * TileRows, s3 = values + slots[c * 4 + 3] * TileRows;
                for (int q = 0; q < 4; q++)
                {
                    int lo = 8 * q, hi = 32 + 8 * q;
                    Vector128<int> a0 = NodeNeon(s0 + lo, s1 + lo, s2 + lo, s3 + lo, root, table);
                    Vector128<int> a1 = NodeNeon(s0 + lo + 4, s1 + lo + 4, s2 + lo + 4, s3 + lo + 4, root, table);
                    Vector128<int> b0 = NodeNeon(s0 + hi, s1 + hi, s2 + hi, s3 + hi, root, table);
                    Vector128<int> b1 = NodeNeon(s0 + hi + 4, s1 + hi + 4, s2 + hi + 4, s3 + hi + 4, root, table);
                    StorePairsNeon(a0 | (b0 << 8), a1 | (b1 << 8), codes + c * TileRows, q);
                }
            }
        }

        private static unsafe Vector128<int> NodeNeon(float* v0, float* v1, float* v2, float* v3, Vector128<float> root,
            (Vector128<byte>, Vector128<byte>, Vector128<byte>, Vector128<byte>) table)
        {
            // node = 2·node + bit; a true compare is all ones (−1), so subtracting it adds the bit. fcmge is false for
            // NaN, as the reference's >= is.
            Vector128<int> node = -AdvSimd.CompareGreaterThanOrEqual(Vector128.Load(v0), root).AsInt32();
            node = (node << 1) - AdvSimd.CompareGreaterThanOrEqual(Vector128.Load(v1), PickNeon(table, node + Vector128.Create(1)).AsSingle()).AsInt32();
            node = (node << 1) - AdvSimd.CompareGreaterThanOrEqual(Vector128.Load(v2), PickNeon(table, node + Vector128.Create(3)).AsSingle()).AsInt32();
            node = (node << 1) - AdvSimd.CompareGreaterThanOrEqual(Vector128.Load(v3), PickNeon(table, node + Vector128.Create(7)).AsSingle()).AsInt32();
            return node;
        }

        private static unsafe void EncodeSumsNeon(ushort* values, int* slots, int* thresholds, int codebooks, byte* codes)
        {
            for (int c = 0; c < codebooks; c++)
            {
                byte* t = (byte*)(thresholds + c * 15);
                var table = (Vector128.Load(t), Vector128.Load(t + 16), Vector128.Load(t + 32), Vector128.Load(t + 48));
                Vector128<int> root = Vector128.Create(thresholds[c * 15]);
                ushort* s0 = values + slots[c * 4] * TileRows, s1 = values + slots[c * 4 + 1] * TileRows;
                ushort* s2 = values + slots[c * 4 + 2] * TileRows, s3 = values + slots[c * 4 + 3] * TileRows;
                for (int q = 0; q < 4; q++)
                {
                    int lo = 8 * q, hi = 32 + 8 * q;
                    Vector128<int> a0 = NodeNeon(s0 + lo, s1 + lo, s2 + lo, s3 + lo, root, table);
                    Vector128<int> a1 = NodeNeon(s0 + lo + 4, s1 + lo + 4, s2 + lo + 4, s3 + lo + 4, root, table);
                    Vector128<int> b0 = NodeNeon(s0 + hi, s1 + hi, s2 + hi, s3 + hi, root, table);
                    Vector128<int> b1 = NodeNeon(s0 + hi + 4, s1 + hi + 4, s2 + hi + 4, s3 + hi + 4, root, table);
                    StorePairsNeon(a0 | (b0 << 8), a1 | (b1 << 8), codes + c * TileRows, q);
                }
            }
        }

        private static unsafe Vector128<int> NodeNeon(ushort* v0, ushort* v1, ushort* v2, ushort* v3, Vector128<int> root,
            (Vector128<byte>, Vector128<byte>, Vector128<byte>, Vector128<byte>) table)
        {
            // Raw sums are 0 .. 65,280 and folded thresholds any int: a signed 32-bit compare is exact.
            Vector128<int> node = -AdvSimd.CompareGreaterThan(WidenNeon(v0), root);
            node = (node << 1) - AdvSimd.CompareGreaterThan(WidenNeon(v1), PickNeon(table, node + Vector128.Create(1)));
            node = (node << 1) - AdvSimd.CompareGreaterThan(WidenNeon(v2), PickNeon(table, node + Vector128.Create(3)));
            node = (node << 1) - AdvSimd.CompareGreaterThan(WidenNeon(v3), PickNeon(table, node + Vector128.Create(7)));
            return node;
        }

        private static unsafe Vector128<int> WidenNeon(ushort* p) => AdvSimd.ZeroExtendWideningLower(Vector64.Load(p)).AsInt32();

        /// <summary>Lane i gets the 32-bit entry <c>index[i]</c> (0..15) of the 64-byte table: the byte indices
        /// 4·index + 0..3, made by one multiply (4·index &lt; 64 in every byte, no carries) and one add.</summary>
        private static Vector128<int> PickNeon((Vector128<byte>, Vector128<byte>, Vector128<byte>, Vector128<byte>) table, Vector128<int> index)
        {
            Vector128<byte> bytes = (index * Vector128.Create(0x04040404) + Vector128.Create(0x03020100)).AsByte();
            return AdvSimd.Arm64.VectorTableLookup(table, bytes).AsInt32();
        }

        /// <summary>Stores 8 code pairs (low byte row p, high byte row p + 32) as 16-bit lanes 8q .. 8q + 7.</summary>
        private static unsafe void StorePairsNeon(Vector128<int> first, Vector128<int> second, byte* codebookCodes, int q)
        {
            // Each pair is at most 0x0F0F, so narrowing (xtn, keeping the low half) is exact.
            Vector64<ushort> low = AdvSimd.ExtractNarrowingLower(first.AsUInt32());
            AdvSimd.ExtractNarrowingUpper(low, second.AsUInt32()).Store((ushort*)codebookCodes + 8 * q);
        }

        // Aggregation, all 64 rows of a codebook in four registers: tbl looks up 16 code bytes in the codebook's
        // 16-byte table, and the 16-bit lanes (row p low, row p + 32 high) are summed as on x86: total += lane and
        // high += lane >> 8 (usra), row p's sum is total − (high << 8) modulo 2^16, exact below 2^16.
        private static unsafe void SumExactNeon(byte* table, byte* codes, int codebooks, ushort* sums)
        {
            Vector128<ushort> total0 = Vector128<ushort>.Zero, total1 = Vector128<ushort>.Zero;
            Vector128<ushort> total2 = Vector128<ushort>.Zero, total3 = Vector128<ushort>.Zero;
            Vector128<ushort> high0 = Vector128<ushort>.Zero, high1 = Vector128<ushort>.Zero;
            Vector128<ushort> high2 = Vector128<ushort>.Zero, high3 = Vector128<ushort>.Zero;
            for (int c = 0; c < codebooks; c++)
            {
                Vector128<byte> t = Vector128.Load(table + c * 16);
                byte* k = codes + c * TileRows;
                Vector128<ushort> v0 = AdvSimd.Arm64.VectorTableLookup(t, Vector128.Load(k)).AsUInt16();
                Vector128<ushort> v1 = AdvSimd.Arm64.VectorTableLookup(t, Vector128.Load(k + 16)).AsUInt16();
                Vector128<ushort> v2 = AdvSimd.Arm64.VectorTableLookup(t, Vector128.Load(k + 32)).AsUInt16();
                Vector128<ushort> v3 = AdvSimd.Arm64.VectorTableLookup(t, Vector128.Load(k + 48)).AsUInt16();
                total0 += v0;
                total1 += v1;
                total2 += v2;
                total3 += v3;
                high0 = AdvSimd.ShiftRightLogicalAdd(high0, v0, 8);
                high1 = AdvSimd.ShiftRightLogicalAdd(high1, v1, 8);
                high2 = AdvSimd.ShiftRightLogicalAdd(high2, v2, 8);
                high3 = AdvSimd.ShiftRightLogicalAdd(high3, v3, 8);
            }

            (total0 - (high0 << 8)).Store(sums);
            (total1 - (high1 << 8)).Store(sums + 8);
            (total2 - (high2 << 8)).Store(sums + 16);
            (total3 - (high3 << 8)).Store(sums + 24);
            high0.Store(sums + 32);
            high1.Store(sums + 40);
            high2.Store(sums + 48);
            high3.Store(sums + 56);
        }

        /// <summary>Average aggregation: urhadd is exactly <c>(a + b + 1) &gt;&gt; 1</c>, applied in the contract's
        /// pairing order; the raw sum is G · U (≤ 65,280).</summary>
        private static unsafe void SumAverageNeon(byte* table, byte* codes, int codebooks, int group, ushort* sums)
        {
            Vector128<byte>* values = stackalloc Vector128<byte>[16];
            var g = Vector128.Create((ushort)group);
            for (int q = 0; q < 4; q++)
            {
                Vector128<ushort> total = Vector128<ushort>.Zero, high = Vector128<ushort>.Zero;
                for (int start = 0; start < codebooks; start += group)
                {
                    for (int i = 0; i < group; i++)
                    {
                        int c = start + i;
                        values[i] = AdvSimd.Arm64.VectorTableLookup(Vector128.Load(table + c * 16), Vector128.Load(codes + c * TileRows + 16 * q));
                    }

                    for (int width = group; width > 1; width /= 2)
                    {
                        for (int i = 0; i < width / 2; i++)
                        {
                            values[i] = AdvSimd.FusedAddRoundedHalving(values[2 * i], values[2 * i + 1]);
                        }
                    }

                    Vector128<ushort> v = values[0].AsUInt16();
                    total += v;
                    high = AdvSimd.ShiftRightLogicalAdd(high, v, 8);
                }

                ((total - (high << 8)) * g).Store(sums + 8 * q);
                (high * g).Store(sums + 32 + 8 * q);
            }
        }
    }
}
