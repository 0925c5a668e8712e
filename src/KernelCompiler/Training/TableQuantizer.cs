using System;

namespace KernelCompiler.Training
{
    /// <summary>The uint8 tables, steps and offsets of a model.</summary>
    internal readonly record struct QuantizedTables(byte[] Tables, float[] Steps, float[] Offsets);

    /// <summary>
    /// docs/algorithm.md §3, per output m: lo[m][c] = min_k L, range[m] = max_c (max_k L − lo), step = range / 255 (1 when
    /// the range is 0), lut = clamp(round_half_even((L − lo) / step), 0, 255), offset = Σ_c lo + bias. Arithmetic is
    /// in double; the step is rounded to float32 first and the entries are divided by that stored step, so the
    /// tables are quantised with the very step the kernels dequantise with.
    /// </summary>
    internal static class TableQuantizer
    {
        /// <param name="floatTables">L, [m][c][k] (M × C × 16).</param>
        /// <param name="outputs">M.</param>
        /// <param name="codebooks">C.</param>
        /// <param name="bias">Empty or M values folded into the offsets.</param>
        public static QuantizedTables Quantize(ReadOnlySpan<double> floatTables, int outputs, int codebooks, ReadOnlySpan<float> bias)
        {
            const int k = LutModel.BucketCount;
            var tables = new byte[outputs * codebooks * k];
            var steps = new float[outputs];
            var offsets = new float[outputs];
            var lows = new double[codebooks];
            for (int m = 0; m < outputs; m++)
            {
                double range = 0, offset = bias.IsEmpty ? 0 : bias[m];
                for (int c = 0; c < codebooks; c++)
                {
                    ReadOnlySpan<double> l = floatTables.Slice((m * codebooks + c) * k, k);
                    double lo = l[0], hi = l[0];
                    for (int i = 1; i < k; i++)
                    {
                        lo = Math.Min(lo, l[i]);
                        hi = Math.Max(hi, l[i]);
                    }

                    lows[c] = lo;
                    range = Math.Max(range, hi - lo);
                    offset += lo;
                }

                float step = (float)(range / 255);
                if (range == 0 || step == 0)
                {
                    // A range too small for a float32 step (below 255 × 2^-149) quantises to 0 like a zero range.
                    step = 1;
                }

                if (float.IsInfinity(step) || float.IsInfinity((float)offset))
                {
                    throw new ArgumentException("Output " + m + " has table values beyond the float32 range (range " +
                        range + ", offset " + offset + "); scale the weights down.", "weights");
                }

                steps[m] = step;
                offsets[m] = (float)offset;
                for (int c = 0; c < codebooks; c++)
                {
                    ReadOnlySpan<double> l = floatTables.Slice((m * codebooks + c) * k, k);
                    Span<byte> lut = tables.AsSpan((m * codebooks + c) * k, k);
                    for (int i = 0; i < k; i++)
                    {
                        double q = Math.Round((l[i] - lows[c]) / step, MidpointRounding.ToEven);
                        lut[i] = (byte)Math.Clamp(q, 0, 255);
                    }
                }
            }

            return new QuantizedTables(tables, steps, offsets);
        }
    }
}
