using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KernelCompiler
{
    public sealed partial class GenericKernel
    {
        /// <summary>Encodes a full block of 64 rows, 16 at a time per codebook: 4 levels of permute + compare.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private unsafe void EncodeBlockAvx512(ReadOnlySpan<float> x, int rows, int row0, bool columnMajor, Span<byte> block)
        {
            fixed (float* px = x)
            fixed (float* heap = _heap)
            fixed (int* splits = _splits)
            fixed (byte* pb = block)
            {
                // Row-major: lane r of a gather reads row r, D floats apart (.NET has no 512-bit gather: two of 8).
                Vector256<int> rowOffsets = Vector256<int>.Indices * _d;
                for (int c = 0; c < _c; c++)
                {
                    Vector512<float> t = Vector512.Load(heap + c * 16);
                    float* x0 = ColumnStart(px, rows, row0, columnMajor, splits[c * 4]);
                    float* x1 = ColumnStart(px, rows, row0, columnMajor, splits[c * 4 + 1]);
                    float* x2 = ColumnStart(px, rows, row0, columnMajor, splits[c * 4 + 2]);
                    float* x3 = ColumnStart(px, rows, row0, columnMajor, splits[c * 4 + 3]);
                    for (int q = 0; q < 64; q += 16)
                    {
                        Vector512<int> node = Vector512<int>.Zero;
                        node = StepAvx512(node, t, LoadAvx512(x0, q, columnMajor, rowOffsets));
                        node = StepAvx512(node, t, LoadAvx512(x1, q, columnMajor, rowOffsets));
                        node = StepAvx512(node, t, LoadAvx512(x2, q, columnMajor, rowOffsets));
                        node = StepAvx512(node, t, LoadAvx512(x3, q, columnMajor, rowOffsets));
                        Avx512F.ConvertToVector128Byte(node - Vector512.Create(15)).Store(pb + c * 64 + q);
                    }
                }
            }
        }

        /// <summary>First value of a split column for the block: column-major columns are contiguous, row-major ones
        /// are D floats apart.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private unsafe float* ColumnStart(float* x, int rows, int row0, bool columnMajor, int dim)
            => columnMajor ? x + ((nint)dim * rows + row0) : x + ((nint)row0 * _d + dim);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private unsafe Vector512<float> LoadAvx512(float* column, int row, bool columnMajor, Vector256<int> rowOffsets)
        {
            if (columnMajor)
            {
                return Vector512.Load(column + row);
            }

            float* first = column + (nint)row * _d;
            return Vector512.Create(Avx2.GatherVector256(first, rowOffsets, 4), Avx2.GatherVector256(first + 8 * (nint)_d, rowOffsets, 4));
        }

        /// <summary>One tree level: each lane compares against its own node's threshold and moves to child 2i + 1
        /// (below, or NaN) or 2i + 2 (at or above).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<int> StepAvx512(Vector512<int> node, Vector512<float> thresholds, Vector512<float> value)
        {
            Vector512<int> right = Avx512F.CompareGreaterThanOrEqual(value, Avx512F.PermuteVar16x32(thresholds, node)).AsInt32();
            return node + node + Vector512<int>.One - right;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private unsafe void ScanBlockAvx512(ReadOnlySpan<byte> block, int count, Span<int> destination, Span<int> stage, bool dequantize)
        {
            fixed (byte* pb = block)
            fixed (byte* tables = _tables)
            fixed (int* ps = stage)
            {
                Vector512<ushort> lowBytes = Vector512.Create((ushort)0x00FF);
                for (int m0 = 0; m0 < _m; m0 += OutputChunk)
                {
                    int outputs = Math.Min(OutputChunk, _m - m0);
                    for (int o = 0; o < outputs; o++)
                    {
                        byte* table = tables + (nint)(m0 + o) * _c * 16;
                        Vector512<ushort> even = Vector512<ushort>.Zero;
                        Vector512<ushort> odd = Vector512<ushort>.Zero;
                        if (!_average)
                        {
                            for (int c = 0; c < _c; c++)
                            {
                                Vector512<ushort> v = LookupAvx512(table, pb, c).AsUInt16();
                                even += v & lowBytes;
                                odd += Vector512.ShiftRightLogical(v, 8);
                            }
                        }
                        else
                        {
                            for (int start = 0; start < _c; start += _groupSize)
                            {
                                Vector512<ushort> v = AverageGroupAvx512(table, pb, start).AsUInt16();
                                even += v & lowBytes;
                                odd += Vector512.ShiftRightLogical(v, 8);
                            }
                        }

                        int* s = ps + o * 64;
                        FinishAvx512(Vector512.WidenLower(even).AsInt32(), m0 + o, dequantize).Store(s);
                        FinishAvx512(Vector512.WidenUpper(even).AsInt32(), m0 + o, dequantize).Store(s + 16);
                        FinishAvx512(Vector512.WidenLower(odd).AsInt32(), m0 + o, dequantize).Store(s + 32);
                        FinishAvx512(Vector512.WidenUpper(odd).AsInt32(), m0 + o, dequantize).Store(s + 48);
                    }

                    WriteStage(stage, count, m0, outputs, destination);
                }
            }
        }

        /// <summary>Codebook c's entries for the block's 64 rows: its 16-byte table in every lane, vpshufb by code.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe Vector512<byte> LookupAvx512(byte* table, byte* block, int c)
            => Avx512BW.Shuffle(Vector512.Create(Vector128.Load(table + c * 16)), Vector512.Load(block + c * 64));

        /// <summary>The balanced tree of rounding averages (pavgb) over codebooks start .. start + G − 1, combined as
        /// soon as both halves of a subtree exist: pairs (0,1), (2,3), then pairs of pairs, in codebook order.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private unsafe Vector512<byte> AverageGroupAvx512(byte* table, byte* block, int start)
        {
            int g = _groupSize;
            Vector512<byte> p0 = default, p1 = default, p2 = default, p3 = default, v = default;
            for (int i = 0; i < g; i++)
            {
                v = LookupAvx512(table, block, start + i);
                if (g > 1) { if ((i & 1) == 0) { p0 = v; continue; } v = Avx512BW.Average(p0, v); }
                if (g > 2) { if ((i & 2) == 0) { p1 = v; continue; } v = Avx512BW.Average(p1, v); }
                if (g > 4) { if ((i & 4) == 0) { p2 = v; continue; } v = Avx512BW.Average(p2, v); }
                if (g > 8) { if ((i & 8) == 0) { p3 = v; continue; } v = Avx512BW.Average(p3, v); }
            }

            return v;
        }

        /// <summary>Sums S (average: G · U − bias), or their dequantised outputs as float bits (one FMA).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Vector512<int> FinishAvx512(Vector512<int> sums, int output, bool dequantize)
        {
            if (_average)
            {
                sums = Vector512.ShiftLeft(sums, _log2Group) - Vector512.Create(_bias);
            }

            if (!dequantize)
            {
                return sums;
            }

            return Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(sums), Vector512.Create(_steps[output]),
                Vector512.Create(_offsets[output])).AsInt32();
        }
    }
}
