// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System;
using System.Globalization;

namespace KernelCompiler
{
    /// <summary>
    /// The rules every model obeys, checked once for a file and for a model built in code. Paths name the field as it
    /// stands in the model document, so an error reads the same whichever way the model arrived.
    /// </summary>
    internal static class LutModelValidator
    {
        public static void ValidateDimensions(string? file, int inputDimension, int outputDimension, int codebooks)
        {
            if (inputDimension < 1 || inputDimension > LutModelLimits.MaxInputDimension)
            {
                throw Error(file, "$.inputDimension", inputDimension, "an integer from 1 to " + LutModelLimits.MaxInputDimension);
            }

            if (outputDimension < 1 || outputDimension > LutModelLimits.MaxOutputDimension)
            {
                throw Error(file, "$.outputDimension", outputDimension, "an integer from 1 to " + LutModelLimits.MaxOutputDimension);
            }

            if (codebooks < 1 || codebooks > LutModelLimits.MaxCodebooks)
            {
                throw new LutModelException(file, "$.codebooks",
                    "holds " + codebooks + " codebooks; expected 1 to " + LutModelLimits.MaxCodebooks);
            }

            if ((long)outputDimension * codebooks * LutModel.BucketCount > LutModelLimits.MaxTableBytes)
            {
                throw new LutModelException(file, "$.tables", "outputDimension × codebooks × 16 = " +
                    ((long)outputDimension * codebooks * LutModel.BucketCount) + " table bytes exceeds the limit of " +
                    LutModelLimits.MaxTableBytes);
            }
        }

        public static void ValidateAggregation(string? file, LutAggregation aggregation, int codebooks)
        {
            if (aggregation == LutAggregation.Average && !(codebooks is 1 or 2 or 4 or 8 || codebooks % 16 == 0))
            {
                throw new LutModelException(file, "$.aggregation", "\"average\" needs 1, 2, 4, 8 or a multiple of 16 " +
                    "codebooks (groups of min(16, C) averaged by a balanced tree); the model has " + codebooks);
            }
        }

        /// <summary>Names and producers are text: an unpaired surrogate cannot be written to a UTF-8 file (Save failed
        /// with an EncoderFallbackException), and neither it nor U+FFFE or U+FFFF can stand in XML, so the generated
        /// kernel's documentation comment (which shows the name) would be malformed.</summary>
        public static void ValidateText(string? file, string path, string text)
        {
            for (int i = 0; i < text.Length; i++)
            {
                char ch = text[i];
                if (char.IsHighSurrogate(ch) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                    continue;
                }

                string? what = char.IsSurrogate(ch) ? "an unpaired surrogate" : ch is '\uFFFE' or '\uFFFF' ? "a noncharacter" : null;
                if (what is not null)
                {
                    throw new LutModelException(file, path, "character " + i + " is " + what + " (U+" +
                        ((int)ch).ToString("X4", CultureInfo.InvariantCulture) +
                        "); expected Unicode text without unpaired surrogates, U+FFFE or U+FFFF");
                }
            }
        }

        /// <summary>A weights fingerprint is <c>sha256:</c> and 64 lower-case hex digits.</summary>
        public static void ValidateWeightsFingerprint(string? file, string fingerprint)
        {
            const string Prefix = "sha256:";
            bool ok = fingerprint.Length == Prefix.Length + 64 && fingerprint.StartsWith(Prefix, StringComparison.Ordinal);
            for (int i = Prefix.Length; ok && i < fingerprint.Length; i++)
            {
                char ch = fingerprint[i];
                ok = ch is (>= '0' and <= '9') or (>= 'a' and <= 'f');
            }

            if (!ok)
            {
                string shown = fingerprint.Length > 80 ? fingerprint.Substring(0, 80) + "..." : fingerprint;
                throw new LutModelException(file, "$.weightsFingerprint", "value \"" + shown + "\" is invalid; expected " +
                    "\"sha256:\" and 64 lower-case hex digits");
            }
        }

        public static void Validate(string? file, int inputDimension, int outputDimension, int codebooks,
            int[] splitDimensions, float[] thresholds, byte[] tables, float[] steps, float[] offsets,
            LutAggregation aggregation, float[]? prototypes, string name, string? producer)
        {
            ValidateDimensions(file, inputDimension, outputDimension, codebooks);
            ValidateAggregation(file, aggregation, codebooks);
            if (name.Length == 0 || name.Length > LutModelLimits.MaxNameLength)
            {
                throw new LutModelException(file, "$.name", "has " + name.Length + " characters; expected 1 to " +
                    LutModelLimits.MaxNameLength);
            }

            ValidateText(file, "$.name", name);
            if (producer is not null)
            {
                ValidateText(file, "$.producer", producer);
            }

            ExpectLength(file, "$.codebooks[*].splitDimensions", splitDimensions.Length, codebooks * LutModel.TreeDepth);
            ExpectLength(file, "$.codebooks[*].thresholds", thresholds.Length, codebooks * LutModel.ThresholdsPerCodebook);
            ExpectLength(file, "$.tables", tables.Length, (long)outputDimension * codebooks * LutModel.BucketCount);
            ExpectLength(file, "$.steps", steps.Length, outputDimension);
            ExpectLength(file, "$.offsets", offsets.Length, outputDimension);
            for (int c = 0; c < codebooks; c++)
            {
                for (int level = 0; level < LutModel.TreeDepth; level++)
                {
                    int dim = splitDimensions[c * LutModel.TreeDepth + level];
                    if ((uint)dim >= (uint)inputDimension)
                    {
                        throw Error(file, "$.codebooks[" + c + "].splitDimensions[" + level + "]", dim,
                            "a column index from 0 to " + (inputDimension - 1) + " (inputDimension is " + inputDimension + ")");
                    }
                }

                for (int level = 0, i = 0; level < LutModel.TreeDepth; level++)
                {
                    for (int node = 0; node < 1 << level; node++, i++)
                    {
                        float t = thresholds[c * LutModel.ThresholdsPerCodebook + i];
                        if (!IsFinite(t))
                        {
                            throw Error(file, "$.codebooks[" + c + "].thresholds[" + level + "][" + node + "]", t,
                                "a finite float32 (use 3.4028235E+38, float.MaxValue, for a leaf that never splits)");
                        }
                    }
                }
            }

            for (int m = 0; m < outputDimension; m++)
            {
                if (!IsFinite(steps[m]) || !(steps[m] > 0))
                {
                    throw Error(file, "$.steps[" + m + "]", steps[m], "a finite float32 greater than 0");
                }

                if (!IsFinite(offsets[m]))
                {
                    throw Error(file, "$.offsets[" + m + "]", offsets[m], "a finite float32");
                }
            }

            if (prototypes is not null)
            {
                long expected = (long)codebooks * LutModel.BucketCount * inputDimension;
                ExpectLength(file, "$.prototypes", prototypes.Length, expected);
                for (int i = 0; i < prototypes.Length; i++)
                {
                    if (!IsFinite(prototypes[i]))
                    {
                        int perCodebook = LutModel.BucketCount * inputDimension;
                        throw Error(file, "$.prototypes[" + (i / perCodebook) + "]", prototypes[i],
                            "finite float32 values (bucket " + (i % perCodebook / inputDimension) + ", column " +
                            (i % inputDimension) + ")");
                    }
                }
            }
        }

        public static bool IsFinite(float value) => !float.IsNaN(value) && !float.IsInfinity(value);

        public static LutModelException Error(string? file, string path, long value, string expected)
            => new LutModelException(file, path, "value " + value.ToString(CultureInfo.InvariantCulture) +
                " is invalid; expected " + expected);

        public static LutModelException Error(string? file, string path, float value, string expected)
            => new LutModelException(file, path, "value " + FloatText.Format(value) + " is invalid; expected " + expected);

        private static void ExpectLength(string? file, string path, long actual, long expected)
        {
            if (actual != expected)
            {
                throw new LutModelException(file, path, "has " + actual + " values; expected " + expected);
            }
        }
    }
}
