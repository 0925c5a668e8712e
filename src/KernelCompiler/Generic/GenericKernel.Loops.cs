using System;
using System.Runtime.CompilerServices;

namespace KernelCompiler.Generic
{
    internal sealed partial class GenericKernel
    {
        /// <summary>Encodes rows 0 .. <paramref name="count"/> − 1 of the chunk (a whole number of blocks), a block
        /// of rows at a time per codebook, into <paramref name="chunk"/> ([c][row], rows of codebook c at
        /// c · <paramref name="stride"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private unsafe void EncodeVectors<TWidth, TVector, TLayout>(ReadOnlySpan<float> x, int rows, int row0, int count, Span<byte> chunk, int stride)
            where TWidth : struct, IWidth<TWidth, TVector>
            where TVector : struct
            where TLayout : struct, ILayout
        {
            bool columnMajor = TLayout.ColumnMajor;
            nint d = _d;
            fixed (float* px = x)
            fixed (float* heap = _heap)
            fixed (int* splits = _splits)
            fixed (byte* pc = chunk)
            {
                for (int c = 0; c < _c; c++)
                {
                    TWidth tree = TWidth.Tree(heap + c * 16);
                    float* x0 = ColumnStart(px, rows, row0, columnMajor, splits[c * 4]);
                    float* x1 = ColumnStart(px, rows, row0, columnMajor, splits[c * 4 + 1]);
                    float* x2 = ColumnStart(px, rows, row0, columnMajor, splits[c * 4 + 2]);
                    float* x3 = ColumnStart(px, rows, row0, columnMajor, splits[c * 4 + 3]);
                    byte* codes = pc + (nint)c * stride;
                    for (int q = 0; q < count; q += TWidth.Rows)
                    {
                        tree.Encode<TLayout>(x0, x1, x2, x3, q, d, codes + q);
                    }
                }
            }
        }

        /// <summary>Sums (or dequantised outputs, as float bits) of one block's <paramref name="count"/> rows, whose
        /// codes are at c · <paramref name="stride"/> in <paramref name="codes"/>, into the row-major
        /// <paramref name="destination"/> (count × M).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private unsafe void ScanBlock<TWidth, TVector>(ReadOnlySpan<byte> codes, int stride, int count, Span<int> destination, Span<int> stage,
            bool dequantize)
            where TWidth : struct, IWidth<TWidth, TVector>
            where TVector : struct
        {
            fixed (byte* pc = codes)
            fixed (int* ps = stage)
            fixed (int* pd = destination)
            {
                ScanBlock<TWidth, TVector>(pc, stride, count, pd, ps, dequantize);
            }
        }

        /// <summary>One block: per output, the table of every codebook looked up for the block's rows by one in-lane
        /// byte shuffle and summed in uint16 without widening: one accumulator of the odd rows (the high bytes), one
        /// of the whole 16-bit lanes, from which the even rows follow at the end (C × 255 ≤ 65535, so nothing is
        /// lost). Up to <see cref="OutputChunk"/> outputs are staged ([output][row]), then written row by row.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private unsafe void ScanBlock<TWidth, TVector>(byte* pc, nint stride, int count, int* pd, int* ps, bool dequantize)
            where TWidth : struct, IWidth<TWidth, TVector>
            where TVector : struct
        {
            int b = TWidth.Rows;
            fixed (byte* tables = _tables)
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
                            TVector both0 = default, odd0 = default, both1 = default, odd1 = default;
                            byte* codesOfC = pc;
                            for (byte* t = table, end = table + tableBytes; t < end; t += 16, codesOfC += stride)
                            {
                                TVector k = TWidth.Load(codesOfC);
                                TVector v0 = TWidth.Lookup(t, k);
                                TVector v1 = TWidth.Lookup(t + tableBytes, k);
                                both0 = TWidth.Add(both0, v0);
                                odd0 = TWidth.Add(odd0, TWidth.High(v0));
                                both1 = TWidth.Add(both1, v1);
                                odd1 = TWidth.Add(odd1, TWidth.High(v1));
                            }

                            TWidth.Stage(both0, odd0, FinishOf(m0 + o, dequantize), ps + o * b);
                            TWidth.Stage(both1, odd1, FinishOf(m0 + o + 1, dequantize), ps + (o + 1) * b);
                        }
                    }

                    for (; o < outputs; o++)
                    {
                        byte* table = tables + (m0 + o) * tableBytes;
                        TVector both = default, odd = default;
                        if (!_average)
                        {
                            byte* codesOfC = pc;
                            for (byte* t = table, end = table + tableBytes; t < end; t += 16, codesOfC += stride)
                            {
                                TVector v = TWidth.Lookup(t, TWidth.Load(codesOfC));
                                both = TWidth.Add(both, v);
                                odd = TWidth.Add(odd, TWidth.High(v));
                            }
                        }
                        else
                        {
                            for (int start = 0; start < _c; start += _groupSize)
                            {
                                TVector v = AverageGroup<TWidth, TVector>(table, pc, stride, start);
                                both = TWidth.Add(both, v);
                                odd = TWidth.Add(odd, TWidth.High(v));
                            }
                        }

                        TWidth.Stage(both, odd, FinishOf(m0 + o, dequantize), ps + o * b);
                    }

                    TWidth.WriteStage(ps, count, m0, outputs, pd, _m);
                }
            }
        }

        /// <summary>The balanced tree of rounding averages over codebooks start .. start + G − 1, combined as soon as
        /// both halves of a subtree exist: pairs (0,1), (2,3), then pairs of pairs, in codebook order.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private unsafe TVector AverageGroup<TWidth, TVector>(byte* table, byte* codes, nint stride, int start)
            where TWidth : struct, IWidth<TWidth, TVector>
            where TVector : struct
        {
            int g = _groupSize;
            TVector p0 = default, p1 = default, p2 = default, p3 = default, v = default;
            for (int i = 0; i < g; i++)
            {
                v = TWidth.Lookup(table + (start + i) * 16, TWidth.Load(codes + (start + i) * stride));
                if (g > 1) { if ((i & 1) == 0) { p0 = v; continue; } v = TWidth.Average(p0, v); }
                if (g > 2) { if ((i & 2) == 0) { p1 = v; continue; } v = TWidth.Average(p1, v); }
                if (g > 4) { if ((i & 4) == 0) { p2 = v; continue; } v = TWidth.Average(p2, v); }
                if (g > 8) { if ((i & 8) == 0) { p3 = v; continue; } v = TWidth.Average(p3, v); }
            }

            return v;
        }
    }
}
