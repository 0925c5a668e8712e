using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KernelCompiler
{
    public sealed partial class GenericKernel
    {
        /// <summary>Encodes a full block of 32 rows, 8 at a time per codebook. vpermps holds 8 floats, so levels 0–2
        /// pick from thresholds 0..7 and level 3 from thresholds 7..14.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private unsafe void EncodeBlockAvx2(ReadOnlySpan<float> x, int rows, int row0, bool columnMajor, Span<byte> block)
        {
            fixed (float* px = x)
            fixed (float* heap = _heap)
            fixed (int* splits = _splits)
            fixed (byte* pb = block)
            {
                Vector256<int> rowOffsets = Vector256<int>.Indices * _d;
                Vector256<int> seven = Vector256.Create(7);
                // packs/packus work per 128-bit lane; this puts the four 8-row quarters back in row order.
                Vector256<int> unpackLanes = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7);
                for (int c = 0; c < _c; c++)
                {
                    Vector256<float> upper = Vector256.Load(heap + c * 16);
                    Vector256<float> leaves = Vector256.Load(heap + c * 16 + 7);
                    float* x0 = ColumnStart(px, rows, row0, columnMajor, splits[c * 4]);
                    float* x1 = ColumnStart(px, rows, row0, columnMajor, splits[c * 4 + 1]);
                    float* x2 = ColumnStart(px, rows, row0, columnMajor, splits[c * 4 + 2]);
                    float* x3 = ColumnStart(px, rows, row0, columnMajor, splits[c * 4 + 3]);
                    Vector256<int> q0 = EncodeAvx2(x0, x1, x2, x3, 0, columnMajor, rowOffsets, upper, leaves, seven);
                    Vector256<int> q1 = EncodeAvx2(x0, x1, x2, x3, 8, columnMajor, rowOffsets, upper, leaves, seven);
                    Vector256<int> q2 = EncodeAvx2(x0, x1, x2, x3, 16, columnMajor, rowOffsets, upper, leaves, seven);
                    Vector256<int> q3 = EncodeAvx2(x0, x1, x2, x3, 24, columnMajor, rowOffsets, upper, leaves, seven);
                    Vector256<byte> packed = Avx2.PackUnsignedSaturate(Avx2.PackSignedSaturate(q0, q1), Avx2.PackSignedSaturate(q2, q3));
                    Avx2.PermuteVar8x32(packed.AsInt32(), unpackLanes).AsByte().Store(pb + c * 32);
                }
            }
        }

        /// <summary>Codes (0..15) of 8 rows starting at <paramref name="row"/> of the block.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private unsafe Vector256<int> EncodeAvx2(float* x0, float* x1, float* x2, float* x3, int row, bool columnMajor,
            Vector256<int> rowOffsets, Vector256<float> upper, Vector256<float> leaves, Vector256<int> seven)
        {
            Vector256<int> node = Vector256<int>.Zero;
            node = StepAvx2(node, Avx2.PermuteVar8x32(upper, node), LoadAvx2(x0, row, columnMajor, rowOffsets));
            node = StepAvx2(node, Avx2.PermuteVar8x32(upper, node), LoadAvx2(x1, row, columnMajor, rowOffsets));
            node = StepAvx2(node, Avx2.PermuteVar8x32(upper, node), LoadAvx2(x2, row, columnMajor, rowOffsets));
            node = StepAvx2(node, Avx2.PermuteVar8x32(leaves, node - seven), LoadAvx2(x3, row, columnMajor, rowOffsets));
            return node - Vector256.Create(15);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private unsafe Vector256<float> LoadAvx2(float* column, int row, bool columnMajor, Vector256<int> rowOffsets)
            => columnMajor ? Vector256.Load(column + row) : Avx2.GatherVector256(column + (nint)row * _d, rowOffsets, 4);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<int> StepAvx2(Vector256<int> node, Vector256<float> threshold, Vector256<float> value)
        {
            Vector256<int> right = Avx.CompareGreaterThanOrEqual(value, threshold).AsInt32();
            return node + node + Vector256<int>.One - right;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private unsafe void ScanBlockAvx2(ReadOnlySpan<byte> block, int count, Span<int> destination, Span<int> stage, bool dequantize)
        {
            fixed (byte* pb = block)
            fixed (byte* tables = _tables)
            fixed (int* ps = stage)
            {
                Vector256<ushort> lowBytes = Vector256.Create((ushort)0x00FF);
                for (int m0 = 0; m0 < _m; m0 += OutputChunk)
                {
                    int outputs = Math.Min(OutputChunk, _m - m0);
                    for (int o = 0; o < outputs; o++)
                    {
                        byte* table = tables + (nint)(m0 + o) * _c * 16;
                        Vector256<ushort> even = Vector256<ushort>.Zero;
                        Vector256<ushort> odd = Vector256<ushort>.Zero;
                        if (!_average)
                        {
                            for (int c = 0; c < _c; c++)
                            {
                                Vector256<ushort> v = LookupAvx2(table, pb, c).AsUInt16();
                                even += v & lowBytes;
                                odd += Vector256.ShiftRightLogical(v, 8);
                            }
                        }
                        else
                        {
                            for (int start = 0; start < _c; start += _groupSize)
                            {
                                Vector256<ushort> v = AverageGroupAvx2(table, pb, start).AsUInt16();
                                even += v & lowBytes;
                                odd += Vector256.ShiftRightLogical(v, 8);
                            }
                        }

                        int* s = ps + o * 32;
                        FinishAvx2(Vector256.WidenLower(even).AsInt32(), m0 + o, dequantize).Store(s);
                        FinishAvx2(Vector256.WidenUpper(even).AsInt32(), m0 + o, dequantize).Store(s + 8);
                        FinishAvx2(Vector256.WidenLower(odd).AsInt32(), m0 + o, dequantize).Store(s + 16);
                        FinishAvx2(Vector256.WidenUpper(odd).AsInt32(), m0 + o, dequantize).Store(s + 24);
                    }

                    WriteStage(stage, count, m0, outputs, destination);
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe Vector256<byte> LookupAvx2(byte* table, byte* block, int c)
            => Avx2.Shuffle(Vector256.Create(Vector128.Load(table + c * 16)), Vector256.Load(block + c * 32));

        /// <summary>See <see cref="AverageGroupAvx512"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private unsafe Vector256<byte> AverageGroupAvx2(byte* table, byte* block, int start)
        {
            int g = _groupSize;
            Vector256<byte> p0 = default, p1 = default, p2 = default, p3 = default, v = default;
            for (int i = 0; i < g; i++)
            {
                v = LookupAvx2(table, block, start + i);
                if (g > 1) { if ((i & 1) == 0) { p0 = v; continue; } v = Avx2.Average(p0, v); }
                if (g > 2) { if ((i & 2) == 0) { p1 = v; continue; } v = Avx2.Average(p1, v); }
                if (g > 4) { if ((i & 4) == 0) { p2 = v; continue; } v = Avx2.Average(p2, v); }
                if (g > 8) { if ((i & 8) == 0) { p3 = v; continue; } v = Avx2.Average(p3, v); }
            }

            return v;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Vector256<int> FinishAvx2(Vector256<int> sums, int output, bool dequantize)
        {
            if (_average)
            {
                sums = Vector256.ShiftLeft(sums, _log2Group) - Vector256.Create(_bias);
            }

            if (!dequantize)
            {
                return sums;
            }

            return Fma.MultiplyAdd(Vector256.ConvertToSingle(sums), Vector256.Create(_steps[output]),
                Vector256.Create(_offsets[output])).AsInt32();
        }
    }
}
