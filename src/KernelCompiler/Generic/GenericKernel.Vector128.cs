using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace KernelCompiler
{
    internal sealed partial class GenericKernel
    {
        /// <summary>Encodes rows 0 .. <paramref name="count"/> − 1 of the chunk (a multiple of 16), 4 at a time per
        /// codebook. With no variable float permute in SSSE3, a lane's threshold is picked by a byte shuffle of a
        /// 4-float slice of the 1-based heap: nodes 2..3 (level 1), 4..7 (level 2), 8..11 or 12..15 (level 3).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private unsafe void EncodeVector128<TLayout>(ReadOnlySpan<float> x, int rows, int row0, int count, Span<byte> chunk, int stride)
            where TLayout : struct, ILayout
        {
            bool columnMajor = TLayout.ColumnMajor;
            fixed (float* px = x)
            fixed (float* heap = _heap)
            fixed (int* splits = _splits)
            fixed (byte* pc = chunk)
            {
                for (int c = 0; c < _c; c++)
                {
                    float* t = heap + c * 16;
                    var slices = new ThresholdSlices(Vector128.Create(t[1]), Vector128.Load(t), Vector128.Load(t + 4),
                        Vector128.Load(t + 8), Vector128.Load(t + 12));
                    float* x0 = ColumnStart(px, rows, row0, columnMajor, splits[c * 4]);
                    float* x1 = ColumnStart(px, rows, row0, columnMajor, splits[c * 4 + 1]);
                    float* x2 = ColumnStart(px, rows, row0, columnMajor, splits[c * 4 + 2]);
                    float* x3 = ColumnStart(px, rows, row0, columnMajor, splits[c * 4 + 3]);
                    byte* codes = pc + (nint)c * stride;
                    for (int q = 0; q < count; q += 16)
                    {
                        Vector128<uint> q0 = Encode4Vector128(x0, x1, x2, x3, q, columnMajor, slices);
                        Vector128<uint> q1 = Encode4Vector128(x0, x1, x2, x3, q + 4, columnMajor, slices);
                        Vector128<uint> q2 = Encode4Vector128(x0, x1, x2, x3, q + 8, columnMajor, slices);
                        Vector128<uint> q3 = Encode4Vector128(x0, x1, x2, x3, q + 12, columnMajor, slices);
                        Vector128.Narrow(Vector128.Narrow(q0, q1), Vector128.Narrow(q2, q3)).Store(codes + q);
                    }
                }
            }
        }

        private readonly struct ThresholdSlices
        {
            public readonly Vector128<float> Root;       // node 1 in every lane
            public readonly Vector128<float> Top;        // heap slots 0..3: nodes 1..3 (slot 0 unused)
            public readonly Vector128<float> Middle;     // nodes 4..7
            public readonly Vector128<float> LeavesLow;  // nodes 8..11
            public readonly Vector128<float> LeavesHigh; // nodes 12..15

            public ThresholdSlices(Vector128<float> root, Vector128<float> top, Vector128<float> middle, Vector128<float> leavesLow,
                Vector128<float> leavesHigh)
            {
                Root = root;
                Top = top;
                Middle = middle;
                LeavesLow = leavesLow;
                LeavesHigh = leavesHigh;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private unsafe Vector128<uint> Encode4Vector128(float* x0, float* x1, float* x2, float* x3, int row, bool columnMajor,
            in ThresholdSlices t)
        {
            Vector128<int> three = Vector128.Create(3);
            Vector128<int> node = Vector128.Create(2) - RightVector128(LoadVector128(x0, row, columnMajor), t.Root);
            node = node + node - RightVector128(LoadVector128(x1, row, columnMajor), PickLanes(t.Top, BroadcastIndexBytes(node)));
            node = node + node - RightVector128(LoadVector128(x2, row, columnMajor), PickLanes(t.Middle, BroadcastIndexBytes(node & three)));
            Vector128<byte> leaf = BroadcastIndexBytes(node & three);
            Vector128<float> threshold = Vector128.ConditionalSelect(
                Vector128.GreaterThan(node, Vector128.Create(11)).AsSingle(),
                PickLanes(t.LeavesHigh, leaf),
                PickLanes(t.LeavesLow, leaf));
            node = node + node - RightVector128(LoadVector128(x3, row, columnMajor), threshold);
            return (node - Vector128.Create(16)).AsUInt32();
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private unsafe Vector128<float> LoadVector128(float* column, int row, bool columnMajor)
        {
            if (columnMajor)
            {
                return Vector128.Load(column + row);
            }

            float* p = column + (nint)row * _d;
            return Vector128.Create(p[0], p[_d], p[2 * _d], p[3 * _d]);
        }

        /// <summary>−1 where value ≥ threshold, else 0 (NaN compares false): subtracting it adds the decision.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<int> RightVector128(Vector128<float> value, Vector128<float> threshold)
            => Vector128.GreaterThanOrEqual(value, threshold).AsInt32();

        /// <summary>Byte-shuffle control that moves float lane j (0..3, one per int lane) into each lane: 4j .. 4j + 3.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<byte> BroadcastIndexBytes(Vector128<int> lane)
        {
            Vector128<byte> firstByte = Vector128.Create((byte)0, 0, 0, 0, 4, 4, 4, 4, 8, 8, 8, 8, 12, 12, 12, 12);
            Vector128<byte> bytesOfLane = Vector128.Create(0x03020100).AsByte();
            return ShuffleBytes(Vector128.ShiftLeft(lane, 2).AsByte(), firstByte) + bytesOfLane;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<float> PickLanes(Vector128<float> values, Vector128<byte> control)
            => ShuffleBytes(values.AsByte(), control).AsSingle();

        /// <summary>16-entry in-register byte lookup (pshufb / tbl); every index here is 0..15.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<byte> ShuffleBytes(Vector128<byte> table, Vector128<byte> indices)
        {
            if (Ssse3.IsSupported)
            {
                return Ssse3.Shuffle(table, indices);
            }

            if (AdvSimd.Arm64.IsSupported)
            {
                return AdvSimd.Arm64.VectorTableLookup(table, indices);
            }

            throw new PlatformNotSupportedException();
        }

        /// <summary>Rounding average (a + b + 1) >> 1 of unsigned bytes (pavgb / urhadd).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<byte> AverageBytes(Vector128<byte> a, Vector128<byte> b)
        {
            if (Sse2.IsSupported)
            {
                return Sse2.Average(a, b);
            }

            if (AdvSimd.IsSupported)
            {
                return AdvSimd.FusedAddRoundedHalving(a, b);
            }

            throw new PlatformNotSupportedException();
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private unsafe void ScanBlockVector128(ReadOnlySpan<byte> codes, int stride, int count, Span<int> destination, Span<int> stage, bool dequantize)
        {
            fixed (byte* pc = codes)
            fixed (byte* tables = _tables)
            fixed (int* ps = stage)
            fixed (int* pd = destination)
            {
                nint tableBytes = (nint)_c * 16;
                for (int m0 = 0; m0 < _m; m0 += OutputChunk)
                {
                    int outputs = Math.Min(OutputChunk, _m - m0);
                    int o = 0;
                    if (!_average)
                    {
                        // Two outputs per pass share each codebook's codes and the loop.
                        for (; o + 2 <= outputs; o += 2)
                        {
                            byte* table = tables + (m0 + o) * tableBytes;
                            Vector128<ushort> both0 = Vector128<ushort>.Zero, odd0 = Vector128<ushort>.Zero;
                            Vector128<ushort> both1 = Vector128<ushort>.Zero, odd1 = Vector128<ushort>.Zero;
                            byte* codesOfC = pc;
                            for (byte* t = table, end = table + tableBytes; t < end; t += 16, codesOfC += stride)
                            {
                                Vector128<byte> k = Vector128.Load(codesOfC);
                                Vector128<ushort> v0 = ShuffleBytes(Vector128.Load(t), k).AsUInt16();
                                Vector128<ushort> v1 = ShuffleBytes(Vector128.Load(t + tableBytes), k).AsUInt16();
                                both0 += v0;
                                odd0 += Vector128.ShiftRightLogical(v0, 8);
                                both1 += v1;
                                odd1 += Vector128.ShiftRightLogical(v1, 8);
                            }

                            StageOutputVector128(both0, odd0, m0 + o, dequantize, ps + o * 16);
                            StageOutputVector128(both1, odd1, m0 + o + 1, dequantize, ps + (o + 1) * 16);
                        }
                    }

                    for (; o < outputs; o++)
                    {
                        byte* table = tables + (m0 + o) * tableBytes;
                        Vector128<ushort> both = Vector128<ushort>.Zero;
                        Vector128<ushort> odd = Vector128<ushort>.Zero;
                        if (!_average)
                        {
                            byte* codesOfC = pc;
                            for (byte* t = table, end = table + tableBytes; t < end; t += 16, codesOfC += stride)
                            {
                                Vector128<ushort> v = LookupVector128(t, codesOfC, stride, 0).AsUInt16();
                                both += v;
                                odd += Vector128.ShiftRightLogical(v, 8);
                            }
                        }
                        else
                        {
                            for (int start = 0; start < _c; start += _groupSize)
                            {
                                Vector128<ushort> v = AverageGroupVector128(table, pc, stride, start).AsUInt16();
                                both += v;
                                odd += Vector128.ShiftRightLogical(v, 8);
                            }
                        }

                        StageOutputVector128(both, odd, m0 + o, dequantize, ps + o * 16);
                    }

                    WriteStageVector128(ps, count, m0, outputs, pd);
                }
            }
        }

        /// <summary>Stores one output's 16 results in row order at <paramref name="stage"/>; see
        /// <see cref="StageOutputAvx512"/> for the accumulators.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private unsafe void StageOutputVector128(Vector128<ushort> both, Vector128<ushort> odd, int output, bool dequantize, int* stage)
        {
            Vector128<ushort> even = both - Vector128.ShiftLeft(odd, 8);
            Vector128<byte> e0 = Vector128.WidenLower(even).AsByte(), e1 = Vector128.WidenUpper(even).AsByte();
            Vector128<byte> o0 = Vector128.WidenLower(odd).AsByte(), o1 = Vector128.WidenUpper(odd).AsByte();
            // Lane k of e is row 2k, of o row 2k + 1: a 32-bit interleave puts them in row order.
            FinishVector128(Zip32(e0, o0, false).AsInt32(), output, dequantize).Store(stage);
            FinishVector128(Zip32(e0, o0, true).AsInt32(), output, dequantize).Store(stage + 4);
            FinishVector128(Zip32(e1, o1, false).AsInt32(), output, dequantize).Store(stage + 8);
            FinishVector128(Zip32(e1, o1, true).AsInt32(), output, dequantize).Store(stage + 12);
        }

        /// <summary>Copies staged outputs ([output][row], rows 16 apart) into rows of the row-major destination:
        /// groups of 4 outputs by 4 × 4 transposes, the rest one value at a time.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private unsafe void WriteStageVector128(int* stage, int count, int firstOutput, int outputs, int* destination)
        {
            nint m = _m;
            int grouped = outputs / 4 * 4;
            for (int first = 0; first < grouped; first += 4)
            {
                int* d = destination + firstOutput + first;
                for (int r0 = 0; r0 < count; r0 += 4)
                {
                    int* s = stage + first * 16 + r0;
                    Vector128<byte> a0 = Vector128.Load(s).AsByte(), a1 = Vector128.Load(s + 16).AsByte();
                    Vector128<byte> a2 = Vector128.Load(s + 32).AsByte(), a3 = Vector128.Load(s + 48).AsByte();
                    Vector128<byte> t0 = Zip32(a0, a1, false), t1 = Zip32(a0, a1, true);
                    Vector128<byte> t2 = Zip32(a2, a3, false), t3 = Zip32(a2, a3, true);
                    int rows = Math.Min(4, count - r0);
                    Zip64(t0, t2, false).AsInt32().Store(d + r0 * m);
                    if (rows > 1) Zip64(t0, t2, true).AsInt32().Store(d + (r0 + 1) * m);
                    if (rows > 2) Zip64(t1, t3, false).AsInt32().Store(d + (r0 + 2) * m);
                    if (rows > 3) Zip64(t1, t3, true).AsInt32().Store(d + (r0 + 3) * m);
                }
            }

            for (int o = grouped; o < outputs; o++)
            {
                for (int r = 0; r < count; r++)
                {
                    destination[r * m + firstOutput + o] = stage[o * 16 + r];
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe Vector128<byte> LookupVector128(byte* table, byte* codes, int stride, int c)
            => ShuffleBytes(Vector128.Load(table + c * 16), Vector128.Load(codes + (nint)c * stride));

        /// <summary>See <see cref="AverageGroupAvx512"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private unsafe Vector128<byte> AverageGroupVector128(byte* table, byte* codes, int stride, int start)
        {
            int g = _groupSize;
            Vector128<byte> p0 = default, p1 = default, p2 = default, p3 = default, v = default;
            for (int i = 0; i < g; i++)
            {
                v = LookupVector128(table, codes, stride, start + i);
                if (g > 1) { if ((i & 1) == 0) { p0 = v; continue; } v = AverageBytes(p0, v); }
                if (g > 2) { if ((i & 2) == 0) { p1 = v; continue; } v = AverageBytes(p1, v); }
                if (g > 4) { if ((i & 4) == 0) { p2 = v; continue; } v = AverageBytes(p2, v); }
                if (g > 8) { if ((i & 8) == 0) { p3 = v; continue; } v = AverageBytes(p3, v); }
            }

            return v;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Vector128<int> FinishVector128(Vector128<int> sums, int output, bool dequantize)
        {
            if (_average)
            {
                sums = Vector128.ShiftLeft(sums, _log2Group) - Vector128.Create(_bias);
            }

            if (!dequantize)
            {
                return sums;
            }

            // Vector128.FusedMultiplyAdd is always fused (software-emulated where the CPU lacks FMA), as the contract needs.
            return Vector128.FusedMultiplyAdd(Vector128.ConvertToSingle(sums), Vector128.Create(_steps[output]),
                Vector128.Create(_offsets[output])).AsInt32();
        }
    }
}
