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
