using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace KernelCompiler
{
    public sealed partial class GenericKernel
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
            {
                for (int m0 = 0; m0 < _m; m0 += OutputChunk)
                {
                    int outputs = Math.Min(OutputChunk, _m - m0);
                    for (int o = 0; o < outputs; o++)
                    {
                        byte* table = tables + (nint)(m0 + o) * _c * 16;
                        Vector128<ushort> both = Vector128<ushort>.Zero;
                        Vector128<ushort> odd = Vector128<ushort>.Zero;
                        if (!_average)
                        {
                            byte* codesOfC = pc;
                            for (byte* t = table, end = table + _c * 16; t < end; t += 16, codesOfC += stride)
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

                        // both holds even + 256 · odd (mod 2^16) and odd is exact, so this recovers the even rows exactly.
                        Vector128<ushort> even = both - Vector128.ShiftLeft(odd, 8);
                        int* s = ps + o * 16;
                        FinishVector128(Vector128.WidenLower(even).AsInt32(), m0 + o, dequantize).Store(s);
                        FinishVector128(Vector128.WidenUpper(even).AsInt32(), m0 + o, dequantize).Store(s + 4);
                        FinishVector128(Vector128.WidenLower(odd).AsInt32(), m0 + o, dequantize).Store(s + 8);
                        FinishVector128(Vector128.WidenUpper(odd).AsInt32(), m0 + o, dequantize).Store(s + 12);
                    }

                    WriteStageVector128(stage, count, m0, outputs, destination);
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

        /// <summary>Copies a staged chunk of outputs ([output][k], even rows in k = 0..7, odd rows in 8..15) into rows
        /// of the row-major destination.</summary>
        private void WriteStageVector128(ReadOnlySpan<int> stage, int count, int firstOutput, int outputs, Span<int> destination)
        {
            for (int r = 0; r < count; r++)
            {
                int k = (r >> 1) + (r & 1) * 8;
                Span<int> row = destination.Slice(r * _m + firstOutput, outputs);
                for (int o = 0; o < row.Length; o++)
                {
                    row[o] = stage[o * 16 + k];
                }
            }
        }
    }
}
