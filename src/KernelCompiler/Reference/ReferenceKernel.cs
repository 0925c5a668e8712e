using System;

namespace KernelCompiler.Reference
{
    /// <summary>
    /// The scalar oracle, written as docs/algorithm.md §1–2 reads, one row at a time. Speed is not its job.
    /// </summary>
    internal sealed class ReferenceKernel : LutKernel
    {
        public ReferenceKernel(LutModel model)
            : base(model)
        {
        }

        public override string Backend => "reference";

        /// <summary>§1: walk the tree; <c>&gt;=</c> goes right, so NaN (false for every compare) goes left.</summary>
        public static int EncodeOne(LutModel model, ReadOnlySpan<float> x, int row, int rows, int codebook, bool columnMajor)
        {
            int d = model.InputDimension;
            int node = 0;
            for (int level = 0; level < LutModel.TreeDepth; level++)
            {
                int dim = model.SplitDimension(codebook, level);
                float value = columnMajor ? x[dim * rows + row] : x[row * d + dim];
                node = 2 * node + (value >= model.Threshold(codebook, level, node) ? 1 : 0);
            }

            return node;
        }

        /// <summary>§2: the exact sum, or the grouped rounding averages with their bias correction.</summary>
        public static int SumOne(LutModel model, ReadOnlySpan<byte> rowCodes, int output)
        {
            int c = model.Codebooks;
            if (model.Aggregation == LutAggregation.Exact)
            {
                int sum = 0;
                for (int i = 0; i < c; i++)
                {
                    sum += model.Table(output, i)[rowCodes[i]];
                }

                return sum;
            }

            int g = model.AverageGroupSize;
            Span<int> values = stackalloc int[16];
            int u = 0;
            for (int start = 0; start < c; start += g)
            {
                for (int i = 0; i < g; i++)
                {
                    values[i] = model.Table(output, start + i)[rowCodes[start + i]];
                }

                for (int width = g; width > 1; width /= 2)
                {
                    for (int i = 0; i < width / 2; i++)
                    {
                        values[i] = (values[2 * i] + values[2 * i + 1] + 1) >> 1;
                    }
                }

                u += values[0];
            }

            return g * u - model.AverageBiasCorrection;
        }

        /// <summary>One fused multiply-add, never mul + add, so every backend rounds once and agrees.</summary>
        public static float Dequantize(LutModel model, int sum, int output)
            => MathF.FusedMultiplyAdd(sum, model.Steps[output], model.Offsets[output]);

        protected override void EncodeCore(ReadOnlySpan<float> x, int rows, Span<byte> codes, bool columnMajor)
        {
            int c = Model.Codebooks;
            for (int n = 0; n < rows; n++)
            {
                for (int i = 0; i < c; i++)
                {
                    codes[n * c + i] = (byte)EncodeOne(Model, x, n, rows, i, columnMajor);
                }
            }
        }

        protected override void AggregateCore(ReadOnlySpan<byte> codes, int rows, Span<int> sums)
        {
            int c = Model.Codebooks, m = Model.OutputDimension;
            for (int n = 0; n < rows; n++)
            {
                for (int o = 0; o < m; o++)
                {
                    sums[n * m + o] = SumOne(Model, codes.Slice(n * c, c), o);
                }
            }
        }

        protected override void MultiplyCore(ReadOnlySpan<float> x, int rows, Span<float> destination, bool columnMajor)
        {
            int c = Model.Codebooks;
            Span<byte> rowCodes = c <= 256 ? stackalloc byte[c] : new byte[c];
            for (int n = 0; n < rows; n++)
            {
                for (int i = 0; i < c; i++)
                {
                    rowCodes[i] = (byte)EncodeOne(Model, x, n, rows, i, columnMajor);
                }

                WriteRow(rowCodes, destination, n);
            }
        }

        protected override void MultiplyCodesCore(ReadOnlySpan<byte> codes, int rows, Span<float> destination)
        {
            int c = Model.Codebooks;
            for (int n = 0; n < rows; n++)
            {
                WriteRow(codes.Slice(n * c, c), destination, n);
            }
        }

        private void WriteRow(ReadOnlySpan<byte> rowCodes, Span<float> destination, int row)
        {
            int m = Model.OutputDimension;
            for (int o = 0; o < m; o++)
            {
                destination[row * m + o] = Dequantize(Model, SumOne(Model, rowCodes, o), o);
            }
        }
    }
}
