using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using KernelCompiler.Runtime;

namespace KernelCompiler
{
    internal sealed partial class GenericKernel
    {
        /// <summary>Encodes rows 0 .. <paramref name="count"/> − 1 of the chunk (a multiple of 64), 16 at a time per
        /// codebook: 4 levels of permute + compare.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private unsafe void EncodeAvx512<TLayout>(ReadOnlySpan<float> x, int rows, int row0, int count, Span<byte> chunk, int stride)
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
                    Vector512<float> t = Vector512.Load(heap + c * 16);
                    Vector512<float> root = Vector512.Create(heap[c * 16 + 1]);
                    float* x0 = ColumnStart(px, rows, row0, columnMajor, splits[c * 4]);
                    float* x1 = ColumnStart(px, rows, row0, columnMajor, splits[c * 4 + 1]);
                    float* x2 = ColumnStart(px, rows, row0, columnMajor, splits[c * 4 + 2]);
                    float* x3 = ColumnStart(px, rows, row0, columnMajor, splits[c * 4 + 3]);
                    byte* codes = pc + (nint)c * stride;
                    for (int q = 0; q < count; q += 16)
                    {
                        Vector512<int> node = Vector512.ConditionalSelect(
                            Avx512F.CompareGreaterThanOrEqual(LoadAvx512(x0, q, columnMajor), root).AsInt32(),
                            Vector512.Create(3), Vector512.Create(2));
                        node = StepAvx512(node, t, LoadAvx512(x1, q, columnMajor));
                        node = StepAvx512(node, t, LoadAvx512(x2, q, columnMajor));
                        node = StepAvx512(node, t, LoadAvx512(x3, q, columnMajor));
                        // Leaves are 16 + code: the truncating narrow keeps the low byte, the mask the code.
                        (Avx512F.ConvertToVector128Byte(node) & Vector128.Create((byte)15)).Store(codes + q);
                    }
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private unsafe Vector512<float> LoadAvx512(float* column, int row, bool columnMajor)
        {
            if (columnMajor)
            {
                return Vector512.Load(column + row);
            }

            // Row-major: 16 loads D floats apart. Measured faster than two vgatherdps on this class of CPU.
            float* p = column + (nint)row * _d;
            nint d = _d;
            return Vector512.Create(p[0], p[d], p[2 * d], p[3 * d], p[4 * d], p[5 * d], p[6 * d], p[7 * d],
                p[8 * d], p[9 * d], p[10 * d], p[11 * d], p[12 * d], p[13 * d], p[14 * d], p[15 * d]);
        }

        /// <summary>One tree level: each lane compares against its own node's threshold (vpermps by node index) and
        /// moves to child 2k (below, or NaN) or 2k + 1 (at or above).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<int> StepAvx512(Vector512<int> node, Vector512<float> thresholds, Vector512<float> value)
        {
            // A select on a compare becomes one masked add (vpaddd zmm{k}).
            Vector512<int> left = node + node;
            Vector512<float> right = Avx512F.CompareGreaterThanOrEqual(value, Avx512F.PermuteVar16x32(thresholds, node));
            return Vector512.ConditionalSelect(right.AsInt32(), left + Vector512<int>.One, left);
        }


        /// <summary>One block of 64 rows: per output, the table of every codebook looked up for all 64 rows by one
        /// vpshufb and summed in uint16 without widening: one accumulator of the odd rows (the high bytes), one of
        /// the whole 16-bit lanes, from which the even rows follow at the end.
        /// Up to 16 outputs are staged ([output][row]), then written row by row after a 16 × 16 transpose.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private unsafe void ScanBlockAvx512(ReadOnlySpan<byte> codes, int stride, int count, Span<int> destination, Span<int> stage, bool dequantize)
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
                            Vector512<ushort> both0 = Vector512<ushort>.Zero, odd0 = Vector512<ushort>.Zero;
                            Vector512<ushort> both1 = Vector512<ushort>.Zero, odd1 = Vector512<ushort>.Zero;
                            byte* codesOfC = pc;
                            for (byte* t = table, end = table + tableBytes; t < end; t += 16, codesOfC += stride)
                            {
                                Vector512<byte> k = Vector512.Load(codesOfC);
                                Vector512<ushort> v0 = Avx512BW.Shuffle(Avx512F.BroadcastVector128ToVector512((int*)t).AsByte(), k).AsUInt16();
                                Vector512<ushort> v1 = Avx512BW.Shuffle(Avx512F.BroadcastVector128ToVector512((int*)(t + tableBytes)).AsByte(), k).AsUInt16();
                                both0 += v0;
                                odd0 += Vector512.ShiftRightLogical(v0, 8);
                                both1 += v1;
                                odd1 += Vector512.ShiftRightLogical(v1, 8);
                            }

                            StageOutputAvx512(both0, odd0, m0 + o, dequantize, ps + o * 64);
                            StageOutputAvx512(both1, odd1, m0 + o + 1, dequantize, ps + (o + 1) * 64);
                        }
                    }

                    for (; o < outputs; o++)
                    {
                        byte* table = tables + (m0 + o) * tableBytes;
                        Vector512<ushort> both = Vector512<ushort>.Zero;
                        Vector512<ushort> odd = Vector512<ushort>.Zero;
                        if (!_average)
                        {
                            byte* codesOfC = pc;
                            for (byte* t = table, end = table + tableBytes; t < end; t += 16, codesOfC += stride)
                            {
                                Vector512<ushort> v = LookupAvx512(t, codesOfC, stride, 0).AsUInt16();
                                both += v;
                                odd += Vector512.ShiftRightLogical(v, 8);
                            }
                        }
                        else
                        {
                            for (int start = 0; start < _c; start += _groupSize)
                            {
                                Vector512<ushort> v = AverageGroupAvx512(table, pc, stride, start).AsUInt16();
                                both += v;
                                odd += Vector512.ShiftRightLogical(v, 8);
                            }
                        }

                        StageOutputAvx512(both, odd, m0 + o, dequantize, ps + o * 64);
                    }

                    if (_m == 1)
                    {
                        // One output: the destination is the staged row itself.
                        for (int r = 0; r < count; r += 16)
                        {
                            Vector512<int> rowMask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count - r));
                            Avx512F.MaskStore(pd + r, rowMask, Vector512.Load(ps + r));
                        }

                        continue;
                    }

                    Vector512<int> mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(outputs));
                    for (int tile = 0; tile * 16 < count; tile++)
                    {
                        WriteTileAvx512(ps + tile * 16, pd + ((nint)tile * 16 * _m + m0), Math.Min(16, count - tile * 16), mask);
                    }
                }
            }
        }

        /// <summary>Stores one output's 64 results in row order at <paramref name="stage"/>. The accumulators hold
        /// the odd rows (odd) and even + 256 · odd (both, mod 2^16); odd is exact, so the even rows follow exactly.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private unsafe void StageOutputAvx512(Vector512<ushort> both, Vector512<ushort> odd, int output, bool dequantize, int* stage)
        {
            Vector512<ushort> even = both - Vector512.ShiftLeft(odd, 8);
            Vector512<int> e0 = Vector512.WidenLower(even).AsInt32(), e1 = Vector512.WidenUpper(even).AsInt32();
            Vector512<int> o0 = Vector512.WidenLower(odd).AsInt32(), o1 = Vector512.WidenUpper(odd).AsInt32();
            // Row 2k is lane k of e, row 2k + 1 lane k of o: interleave them back into row order.
            Vector512<int> firstHalf = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
            Vector512<int> secondHalf = Vector512.Create(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
            FinishAvx512(Avx512F.PermuteVar16x32x2(e0, firstHalf, o0), output, dequantize).Store(stage);
            FinishAvx512(Avx512F.PermuteVar16x32x2(e0, secondHalf, o0), output, dequantize).Store(stage + 16);
            FinishAvx512(Avx512F.PermuteVar16x32x2(e1, firstHalf, o1), output, dequantize).Store(stage + 32);
            FinishAvx512(Avx512F.PermuteVar16x32x2(e1, secondHalf, o1), output, dequantize).Store(stage + 48);
        }

        /// <summary>Transposes a 16 × 16 tile of the stage ([output][row], rows 64 apart) and stores each of the first
        /// <paramref name="rows"/> rows' outputs with a masked store (masked-out lanes are never written). Not inlined:
        /// its 32 vectors would crowd the scan loop's registers.</summary>
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private unsafe void WriteTileAvx512(int* stage, int* destination, int rows, Vector512<int> mask)
        {
            // a_o: output o of the tile's 16 rows (stage rows are 64 apart).
            Vector512<int> a0 = Vector512.Load(stage + 0);
            Vector512<int> a1 = Vector512.Load(stage + 64);
            Vector512<int> a2 = Vector512.Load(stage + 128);
            Vector512<int> a3 = Vector512.Load(stage + 192);
            Vector512<int> a4 = Vector512.Load(stage + 256);
            Vector512<int> a5 = Vector512.Load(stage + 320);
            Vector512<int> a6 = Vector512.Load(stage + 384);
            Vector512<int> a7 = Vector512.Load(stage + 448);
            Vector512<int> a8 = Vector512.Load(stage + 512);
            Vector512<int> a9 = Vector512.Load(stage + 576);
            Vector512<int> a10 = Vector512.Load(stage + 640);
            Vector512<int> a11 = Vector512.Load(stage + 704);
            Vector512<int> a12 = Vector512.Load(stage + 768);
            Vector512<int> a13 = Vector512.Load(stage + 832);
            Vector512<int> a14 = Vector512.Load(stage + 896);
            Vector512<int> a15 = Vector512.Load(stage + 960);

            Dwords16x16.Transpose(ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7, ref a8, ref a9, ref a10, ref a11, ref a12, ref a13, ref a14, ref a15);
            nint m = _m;
            // Only the tile's rows are written (a last tile may be partial).
            ReadOnlySpan<Vector512<int>> transposed = [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15];
            for (int r = 0; r < rows; r++)
            {
                Avx512F.MaskStore(destination + r * m, mask, transposed[r]);
            }
        }

        /// <summary>Codebook c's entries for the block's 64 rows: its 16-byte table in every lane, vpshufb by code.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe Vector512<byte> LookupAvx512(byte* table, byte* codes, int stride, int c)
            => Avx512BW.Shuffle(Avx512F.BroadcastVector128ToVector512((int*)(table + c * 16)).AsByte(), Vector512.Load(codes + (nint)c * stride));

        /// <summary>The balanced tree of rounding averages (pavgb) over codebooks start .. start + G − 1, combined as
        /// soon as both halves of a subtree exist: pairs (0,1), (2,3), then pairs of pairs, in codebook order.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private unsafe Vector512<byte> AverageGroupAvx512(byte* table, byte* codes, int stride, int start)
        {
            int g = _groupSize;
            Vector512<byte> p0 = default, p1 = default, p2 = default, p3 = default, v = default;
            for (int i = 0; i < g; i++)
            {
                v = LookupAvx512(table, codes, stride, start + i);
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
