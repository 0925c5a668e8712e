using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using KernelCompiler.Runtime;

namespace KernelCompiler.NetworkKernels
{
    internal sealed partial class FusedNetworkRunner
    {
        /// <summary>Raw sums of the planned outputs for the tile (docs/algorithm.md §2), handed on as 16-bit raw sums
        /// or, dequantised and activated, as floats.</summary>
        /// <remarks>Exact sums (≤ 255 · C ≤ 65,280) fit 16 bits. A looked-up 16-bit lane holds row p's byte low and
        /// row p + 32's byte high; <c>total += lane</c> and <c>high += lane &gt;&gt; 8</c> give row p + 32's sum in
        /// <c>high</c> and row p's as <c>total − (high &lt;&lt; 8)</c> modulo 2^16, exact because the sum is below
        /// 2^16. Average aggregation combines a group's bytes with the rounding average instructions (pavgb is
        /// exactly <c>(a + b + 1) &gt;&gt; 1</c>) in the contract's pairing order; the raw sum is G · U.</remarks>
        private unsafe void Aggregate(LayerState layer, byte* codes, byte* output)
        {
            int[] outputs = layer.Outputs;
            int c = layer.Codebooks;
            bool floats = layer.Plan.Output == HandOff.Floats;
            ushort* raw = stackalloc ushort[TileRows];
            if (layer.Quad)
            {
                AggregateQuads(layer, codes, output, raw);
                return;
            }

            fixed (byte* tables = layer.Tables)
            {
                for (int j = 0; j < outputs.Length; j++)
                {
                    byte* table = tables + (nint)outputs[j] * c * 16;
                    ushort* sums = floats ? raw : (ushort*)output + j * TileRows;
                    if (layer.GroupSize == 0)
                    {
                        if (Width >= 512) SumExact512(table, codes, c, sums);
                        else if (Width >= 256) SumExact256(table, codes, c, sums);
                        else if (Neon) SumExactNeon(table, codes, c, sums);
                        else if (Width >= 128) SumExact128(table, codes, c, sums);
                        else SumScalar(table, codes, c, 0, sums);
                    }
                    else
                    {
                        if (Width >= 512) SumAverage512(table, codes, c, layer.GroupSize, sums);
                        else if (Width >= 256) SumAverage256(table, codes, c, layer.GroupSize, sums);
                        else if (Neon) SumAverageNeon(table, codes, c, layer.GroupSize, sums);
                        else SumScalar(table, codes, c, layer.GroupSize, sums);
                    }

                    if (floats)
                    {
                        Dequantize(layer, outputs[j], raw, (float*)output + j * TileRows);
                    }
                }
            }
        }

        /// <summary>The vpermb path: one 64-byte table lookup covers four codebooks of 16 rows; vpmaddubsw adds the
        /// bytes in pairs into 16-bit lanes (≤ 510 each, and ≤ 510 · C / 4 ≤ 32,640 summed over the codebooks, so
        /// signed 16 bits hold it), and one vpmaddwd at the end adds the two pairs of each row into its 32-bit sum.
        /// Two outputs at a time share each load of the codes.</summary>
        private unsafe void AggregateQuads(LayerState layer, byte* codes, byte* output, ushort* raw)
        {
            int[] outputs = layer.Outputs;
            int quads = (layer.Codebooks + 3) / 4;
            bool floats = layer.Plan.Output == HandOff.Floats;
            ushort* raw2 = stackalloc ushort[TileRows];
            fixed (byte* tables = layer.QuadTables)
            {
                int j = 0;
                for (; j + 1 < outputs.Length; j += 2)
                {
                    ushort* s0 = floats ? raw : (ushort*)output + j * TileRows;
                    ushort* s1 = floats ? raw2 : (ushort*)output + (j + 1) * TileRows;
                    SumQuadsTwo(tables + (nint)outputs[j] * quads * 64, tables + (nint)outputs[j + 1] * quads * 64, codes, quads, s0, s1);
                    if (floats)
                    {
                        Dequantize(layer, outputs[j], raw, (float*)output + j * TileRows);
                        Dequantize(layer, outputs[j + 1], raw2, (float*)output + (j + 1) * TileRows);
                    }
                }

                if (j < outputs.Length)
                {
                    ushort* s0 = floats ? raw : (ushort*)output + j * TileRows;
                    SumQuadsTwo(tables + (nint)outputs[j] * quads * 64, tables + (nint)outputs[j] * quads * 64, codes, quads, s0, raw2);
                    if (floats)
                    {
                        Dequantize(layer, outputs[j], raw, (float*)output + j * TileRows);
                    }
                }
            }
        }

        private static unsafe void SumQuadsTwo(byte* table0, byte* table1, byte* codes, int quads, ushort* sums0, ushort* sums1)
        {
            Vector512<short> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector512<short> b0 = default, b1 = default, b2 = default, b3 = default;
            Vector512<sbyte> ones = Vector512.Create((sbyte)1);
            for (int q = 0; q < quads; q++)
            {
                Vector512<byte> t0 = Vector512.Load(table0 + q * 64), t1 = Vector512.Load(table1 + q * 64);
                byte* block = codes + q * 4 * TileRows;
                Vector512<byte> c0 = Vector512.Load(block), c1 = Vector512.Load(block + 64);
                Vector512<byte> c2 = Vector512.Load(block + 128), c3 = Vector512.Load(block + 192);
                a0 += Avx512BW.MultiplyAddAdjacent(Avx512Vbmi.PermuteVar64x8(t0, c0), ones);
                a1 += Avx512BW.MultiplyAddAdjacent(Avx512Vbmi.PermuteVar64x8(t0, c1), ones);
                a2 += Avx512BW.MultiplyAddAdjacent(Avx512Vbmi.PermuteVar64x8(t0, c2), ones);
                a3 += Avx512BW.MultiplyAddAdjacent(Avx512Vbmi.PermuteVar64x8(t0, c3), ones);
                b0 += Avx512BW.MultiplyAddAdjacent(Avx512Vbmi.PermuteVar64x8(t1, c0), ones);
                b1 += Avx512BW.MultiplyAddAdjacent(Avx512Vbmi.PermuteVar64x8(t1, c1), ones);
                b2 += Avx512BW.MultiplyAddAdjacent(Avx512Vbmi.PermuteVar64x8(t1, c2), ones);
                b3 += Avx512BW.MultiplyAddAdjacent(Avx512Vbmi.PermuteVar64x8(t1, c3), ones);
            }

            StoreQuadSums(a0, sums0);
            StoreQuadSums(a1, sums0 + 16);
            StoreQuadSums(a2, sums0 + 32);
            StoreQuadSums(a3, sums0 + 48);
            StoreQuadSums(b0, sums1);
            StoreQuadSums(b1, sums1 + 16);
            StoreQuadSums(b2, sums1 + 32);
            StoreQuadSums(b3, sums1 + 48);
        }

        /// <summary>Adds each row's two 16-bit pair sums into its 32-bit sum and stores the 16 rows as 16-bit sums.</summary>
        private static unsafe void StoreQuadSums(Vector512<short> pairs, ushort* sums)
        {
            Vector512<int> rowSums = Avx512BW.MultiplyAddAdjacent(pairs, Vector512.Create((short)1));
            Avx512F.ConvertToVector256UInt16(rowSums.AsUInt32()).Store(sums);
        }

        /// <summary>The reference's value: activation(FusedMultiplyAdd((float)S, step, offset)), S = raw − bias.</summary>
        private static unsafe void Dequantize(LayerState layer, int unit, ushort* raw, float* destination)
        {
            float step = layer.Steps[unit], offset = layer.Offsets[unit];
            int bias = layer.RawBias;
            for (int r = 0; r < TileRows; r++)
            {
                destination[r] = NetworkLayer.Apply(layer.Activation, MathF.FusedMultiplyAdd(raw[r] - bias, step, offset));
            }
        }

        /// <summary>The specification read literally, one row at a time: exact sums, or G · U.</summary>
        private static unsafe void SumScalar(byte* table, byte* codes, int codebooks, int group, ushort* sums)
        {
            int* values = stackalloc int[16];
            for (int r = 0; r < TileRows; r++)
            {
                int lane = NetworkEncodeSteps.CodeLane(r);
                if (group == 0)
                {
                    int sum = 0;
                    for (int c = 0; c < codebooks; c++)
                    {
                        sum += table[c * 16 + codes[c * TileRows + lane]];
                    }

                    sums[r] = (ushort)sum;
                    continue;
                }

                int u = 0;
                for (int start = 0; start < codebooks; start += group)
                {
                    for (int i = 0; i < group; i++)
                    {
                        values[i] = table[(start + i) * 16 + codes[(start + i) * TileRows + lane]];
                    }

                    for (int width = group; width > 1; width /= 2)
                    {
                        for (int i = 0; i < width / 2; i++)
                        {
                            values[i] = (values[2 * i] + values[2 * i + 1] + 1) >> 1;
                        }
                    }

                    u += values[0];
                }

                sums[r] = (ushort)(group * u);
            }
        }

        private static unsafe void SumExact512(byte* table, byte* codes, int codebooks, ushort* sums)
        {
            Vector512<ushort> total = Vector512<ushort>.Zero, high = Vector512<ushort>.Zero;
            for (int c = 0; c < codebooks; c++)
            {
                Vector512<ushort> v = Avx512BW.Shuffle(Avx512F.BroadcastVector128ToVector512((int*)(table + c * 16)).AsByte(),
                    Vector512.Load(codes + c * TileRows)).AsUInt16();
                total += v;
                high += v >>> 8;
            }

            (total - (high << 8)).Store(sums);
            high.Store(sums + 32);
        }

        private static unsafe void SumExact256(byte* table, byte* codes, int codebooks, ushort* sums)
        {
            Vector256<ushort> total0 = Vector256<ushort>.Zero, high0 = Vector256<ushort>.Zero;
            Vector256<ushort> total1 = Vector256<ushort>.Zero, high1 = Vector256<ushort>.Zero;
            for (int c = 0; c < codebooks; c++)
            {
                Vector256<byte> t = Avx2.BroadcastVector128ToVector256(table + c * 16);
                Vector256<ushort> v0 = Avx2.Shuffle(t, Vector256.Load(codes + c * TileRows)).AsUInt16();
                Vector256<ushort> v1 = Avx2.Shuffle(t, Vector256.Load(codes + c * TileRows + 32)).AsUInt16();
                total0 += v0;
                high0 += v0 >>> 8;
                total1 += v1;
                high1 += v1 >>> 8;
            }

            (total0 - (high0 << 8)).Store(sums);
            (total1 - (high1 << 8)).Store(sums + 16);
            high0.Store(sums + 32);
            high1.Store(sums + 48);
        }

        private static unsafe void SumExact128(byte* table, byte* codes, int codebooks, ushort* sums)
        {
            for (int q = 0; q < 4; q++)
            {
                Vector128<ushort> total = Vector128<ushort>.Zero, high = Vector128<ushort>.Zero;
                for (int c = 0; c < codebooks; c++)
                {
                    Vector128<ushort> v = Ssse3.Shuffle(Vector128.Load(table + c * 16), Vector128.Load(codes + c * TileRows + 16 * q)).AsUInt16();
                    total += v;
                    high += v >>> 8;
                }

                (total - (high << 8)).Store(sums + 8 * q);
                high.Store(sums + 32 + 8 * q);
            }
        }

        private static unsafe void SumAverage512(byte* table, byte* codes, int codebooks, int group, ushort* sums)
        {
            Vector512<ushort> total = Vector512<ushort>.Zero, high = Vector512<ushort>.Zero;
            Vector512<byte>* values = stackalloc Vector512<byte>[16];
            for (int start = 0; start < codebooks; start += group)
            {
                for (int i = 0; i < group; i++)
                {
                    int c = start + i;
                    values[i] = Avx512BW.Shuffle(Avx512F.BroadcastVector128ToVector512((int*)(table + c * 16)).AsByte(), Vector512.Load(codes + c * TileRows));
                }

                for (int width = group; width > 1; width /= 2)
                {
                    for (int i = 0; i < width / 2; i++)
                    {
                        values[i] = Avx512BW.Average(values[2 * i], values[2 * i + 1]);
                    }
                }

                Vector512<ushort> v = values[0].AsUInt16();
                total += v;
                high += v >>> 8;
            }

            // U ≤ 255 · C / G and G · U ≤ 65,280: both fit 16 bits.
            var g = Vector512.Create((ushort)group);
            ((total - (high << 8)) * g).Store(sums);
            (high * g).Store(sums + 32);
        }

        private static unsafe void SumAverage256(byte* table, byte* codes, int codebooks, int group, ushort* sums)
        {
            Vector256<byte>* values = stackalloc Vector256<byte>[16];
            for (int half = 0; half < 2; half++)
            {
                Vector256<ushort> total = Vector256<ushort>.Zero, high = Vector256<ushort>.Zero;
                for (int start = 0; start < codebooks; start += group)
                {
                    for (int i = 0; i < group; i++)
                    {
                        int c = start + i;
                        values[i] = Avx2.Shuffle(Avx2.BroadcastVector128ToVector256(table + c * 16), Vector256.Load(codes + c * TileRows + 32 * half));
                    }

                    for (int width = group; width > 1; width /= 2)
                    {
                        for (int i = 0; i < width / 2; i++)
                        {
                            values[i] = Avx2.Average(values[2 * i], values[2 * i + 1]);
                        }
                    }

                    Vector256<ushort> v = values[0].AsUInt16();
                    total += v;
                    high += v >>> 8;
                }

                var g = Vector256.Create((ushort)group);
                ((total - (high << 8)) * g).Store(sums + 16 * half);
                (high * g).Store(sums + 32 + 16 * half);
            }
        }
    }
}
