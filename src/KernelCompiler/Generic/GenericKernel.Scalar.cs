using System;
using System.Runtime.CompilerServices;

namespace KernelCompiler.Generic
{
    internal sealed partial class GenericKernel
    {
        /// <summary>Encodes rows <paramref name="from"/> .. <paramref name="to"/> − 1 of the chunk one at a time (the
        /// scalar path, and every path's partial last block); rows <paramref name="to"/> .. <paramref name="padTo"/> − 1
        /// get code 0. Branch-free: a tree step on real data is a coin toss the branch predictor would lose.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void EncodeRowsScalar(ReadOnlySpan<float> x, int rows, int row0, int from, int to, int padTo, bool columnMajor,
            Span<byte> chunk, int stride)
        {
            int[] splits = _splits;
            float[] heap = _heap;
            for (int c = 0; c < _c; c++)
            {
                Span<byte> codes = chunk.Slice(c * stride, padTo);
                ReadOnlySpan<float> t = heap.AsSpan(c * 16, 16);
                int d0 = splits[c * 4], d1 = splits[c * 4 + 1], d2 = splits[c * 4 + 2], d3 = splits[c * 4 + 3];
                for (int r = from; r < to; r++)
                {
                    int row = row0 + r;
                    float v0, v1, v2, v3;
                    if (columnMajor)
                    {
                        v0 = x[d0 * rows + row];
                        v1 = x[d1 * rows + row];
                        v2 = x[d2 * rows + row];
                        v3 = x[d3 * rows + row];
                    }
                    else
                    {
                        ReadOnlySpan<float> values = x.Slice(row * _d, _d);
                        v0 = values[d0];
                        v1 = values[d1];
                        v2 = values[d2];
                        v3 = values[d3];
                    }

                    int node = 2 + Right(v0, t[1]);
                    node = 2 * node + Right(v1, t[node]);
                    node = 2 * node + Right(v2, t[node]);
                    node = 2 * node + Right(v3, t[node]);
                    codes[r] = (byte)(node - 16);
                }

                codes.Slice(to).Clear();
            }
        }

        /// <summary>1 when <paramref name="value"/> ≥ <paramref name="threshold"/> (goes right), else 0 (NaN too).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int Right(float value, float threshold) => Unsafe.BitCast<bool, byte>(value >= threshold);

        /// <summary>Plain loops over the block: exact sums, or the balanced tree of rounding averages per group.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void ScanBlockScalar(ReadOnlySpan<byte> block, int b, int count, Span<int> destination, bool dequantize)
        {
            byte[] tables = _tables;
            Span<int> sums = stackalloc int[16]; // the scalar path's blocks are 16 rows
            Span<int> values = stackalloc int[16];
            for (int m = 0; m < _m; m++)
            {
                int tableBase = m * _c * 16;
                Span<int> rowSums = sums.Slice(0, count);
                if (!_average)
                {
                    // Codebook by codebook over the block's rows: one 16-byte table and one run of codes at a time.
                    rowSums.Clear();
                    for (int c = 0; c < _c; c++)
                    {
                        ReadOnlySpan<byte> table = tables.AsSpan(tableBase + c * 16, 16);
                        ReadOnlySpan<byte> codes = block.Slice(c * b, count);
                        for (int r = 0; r < codes.Length; r++)
                        {
                            rowSums[r] += table[codes[r]];
                        }
                    }
                }
                else
                {
                    int g = _groupSize;
                    for (int r = 0; r < rowSums.Length; r++)
                    {
                        int u = 0;
                        for (int start = 0; start < _c; start += g)
                        {
                            for (int i = 0; i < g; i++)
                            {
                                values[i] = tables[tableBase + (start + i) * 16 + block[(start + i) * b + r]];
                            }

                            // The balanced tree: pairs (0,1), (2,3)… then pairs of those.
                            for (int width = g; width > 1; width /= 2)
                            {
                                for (int i = 0; i < width / 2; i++)
                                {
                                    values[i] = (values[2 * i] + values[2 * i + 1] + 1) >> 1;
                                }
                            }

                            u += values[0];
                        }

                        rowSums[r] = (u << _log2Group) - _bias;
                    }
                }

                for (int r = 0; r < rowSums.Length; r++)
                {
                    destination[r * _m + m] = dequantize
                        ? BitConverter.SingleToInt32Bits(MathF.FusedMultiplyAdd(rowSums[r], _steps[m], _offsets[m]))
                        : rowSums[r];
                }
            }
        }
    }
}
