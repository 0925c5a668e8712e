using System;

namespace KernelCompiler
{
    public sealed partial class GenericKernel
    {
        /// <summary>Encodes rows one at a time (the scalar path, and every path's partial last block); rows of the
        /// block past <paramref name="count"/> get code 0.</summary>
        private void EncodeRowsScalar(ReadOnlySpan<float> x, int rows, int row0, int count, bool columnMajor, Span<byte> block)
        {
            int b = BlockRows;
            if (count < b)
            {
                block.Clear();
            }

            int[] splits = _splits;
            float[] heap = _heap;
            for (int c = 0; c < _c; c++)
            {
                Span<byte> codes = block.Slice(c * b, count);
                for (int r = 0; r < codes.Length; r++)
                {
                    int row = row0 + r;
                    int node = 0;
                    for (int level = 0; level < LutModel.TreeDepth; level++)
                    {
                        int dim = splits[c * LutModel.TreeDepth + level];
                        float value = columnMajor ? x[dim * rows + row] : x[row * _d + dim];
                        node = 2 * node + (value >= heap[c * 16 + node] ? 2 : 1);
                    }

                    codes[r] = (byte)(node - 15);
                }
            }
        }

        /// <summary>Plain loops over the block: exact sums, or the balanced tree of rounding averages per group.</summary>
        private void ScanBlockScalar(ReadOnlySpan<byte> block, int count, Span<int> destination, bool dequantize)
        {
            int b = BlockRows;
            byte[] tables = _tables;
            Span<int> values = stackalloc int[16];
            for (int r = 0; r < count; r++)
            {
                for (int m = 0; m < _m; m++)
                {
                    int tableBase = m * _c * 16;
                    int sum = 0;
                    if (!_average)
                    {
                        for (int c = 0; c < _c; c++)
                        {
                            sum += tables[tableBase + c * 16 + block[c * b + r]];
                        }
                    }
                    else
                    {
                        int g = _groupSize;
                        for (int start = 0; start < _c; start += g)
                        {
                            for (int i = 0; i < g; i++)
                            {
                                values[i] = tables[tableBase + (start + i) * 16 + block[(start + i) * b + r]];
                            }

                            for (int width = g; width > 1; width /= 2)
                            {
                                for (int i = 0; i < width / 2; i++)
                                {
                                    values[i] = (values[2 * i] + values[2 * i + 1] + 1) >> 1;
                                }
                            }

                            sum += values[0];
                        }

                        sum = (sum << _log2Group) - _bias;
                    }

                    destination[r * _m + m] = dequantize
                        ? BitConverter.SingleToInt32Bits(MathF.FusedMultiplyAdd(sum, _steps[m], _offsets[m]))
                        : sum;
                }
            }
        }
    }
}
