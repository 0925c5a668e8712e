// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using KernelCompiler.IO;

namespace KernelCompiler
{
    /// <summary>
    /// A trained MADDNESS model: C codebooks of depth-4 hash trees over D input columns and the uint8 tables that
    /// approximate a product with a fixed D × M matrix. Immutable; every instance has passed validation, so a
    /// kernel built from it can never index outside its inputs or its tables.
    /// </summary>
    /// <remarks>Layouts: split dimensions [c][level]; thresholds [c][node] with the 15 nodes stored level by level
    /// (node j of level l at index 2^l − 1 + j); tables [m][c][k]; prototypes [c][k][d].</remarks>
    public sealed class LutModel
    {
        /// <summary>Buckets per codebook: the leaves of a balanced binary tree of depth 4.</summary>
        public const int BucketCount = 16;

        /// <summary>Levels of every hash tree.</summary>
        public const int TreeDepth = 4;

        /// <summary>Thresholds per codebook: 1 + 2 + 4 + 8.</summary>
        public const int ThresholdsPerCodebook = 15;

        /// <summary>The model file format version this library writes and the newest it reads.</summary>
        public const int FormatVersion = 1;

        private readonly int[] _splitDimensions;
        private readonly float[] _thresholds;
        private readonly byte[] _tables;
        private readonly float[] _steps;
        private readonly float[] _offsets;
        private readonly float[]? _prototypes;

        /// <summary>Creates a model from its parts after validating them.</summary>
        /// <exception cref="LutModelException">A part has the wrong length or an invalid value.</exception>
        public LutModel(
            int inputDimension,
            int outputDimension,
            int[] splitDimensions,
            float[] thresholds,
            byte[] tables,
            float[] steps,
            float[] offsets,
            LutAggregation aggregation = LutAggregation.Exact,
            float[]? prototypes = null,
            string name = "model",
            string? producer = null)
            : this(Checked(inputDimension, outputDimension, splitDimensions, thresholds, tables, steps, offsets,
                aggregation, prototypes, name, producer), outputDimension, splitDimensions, thresholds, tables, steps, offsets,
                aggregation, prototypes, name, producer, copy: true)
        {
        }

        private LutModel(int inputDimension, int outputDimension, int[] splitDimensions, float[] thresholds,
            byte[] tables, float[] steps, float[] offsets, LutAggregation aggregation, float[]? prototypes,
            string name, string? producer, bool copy)
        {
            InputDimension = inputDimension;
            OutputDimension = outputDimension;
            Codebooks = splitDimensions.Length / TreeDepth;
            Aggregation = aggregation;
            Name = name;
            Producer = producer;
            _splitDimensions = copy ? (int[])splitDimensions.Clone() : splitDimensions;
            _thresholds = copy ? (float[])thresholds.Clone() : thresholds;
            _tables = copy ? (byte[])tables.Clone() : tables;
            _steps = copy ? (float[])steps.Clone() : steps;
            _offsets = copy ? (float[])offsets.Clone() : offsets;
            _prototypes = prototypes is null ? null : copy ? (float[])prototypes.Clone() : prototypes;
        }

        /// <summary>D: the number of input columns (columns of A, rows of B).</summary>
        public int InputDimension { get; }

        /// <summary>M: the number of outputs (columns of B).</summary>
        public int OutputDimension { get; }

        /// <summary>C: the number of codebooks.</summary>
        public int Codebooks { get; }

        /// <summary>How the C table entries of an output are summed: exactly, or by the paper's 8-bit averaging.</summary>
        public LutAggregation Aggregation { get; }

        /// <summary>The model's name (1 to <see cref="LutModelLimits.MaxNameLength"/> characters).</summary>
        public string Name { get; }

        /// <summary>Free text naming what produced the model, e.g. <c>kernelc 0.1.0</c>.</summary>
        public string? Producer { get; }

        /// <summary>Split dimension of every codebook and level, [c][level] (C × 4).</summary>
        public ReadOnlySpan<int> SplitDimensions => _splitDimensions;

        /// <summary>Thresholds, [c][node] (C × 15), nodes level by level.</summary>
        public ReadOnlySpan<float> Thresholds => _thresholds;

        /// <summary>uint8 tables, [m][c][k] (M × C × 16).</summary>
        public ReadOnlySpan<byte> Tables => _tables;

        /// <summary>Dequantisation step per output.</summary>
        public ReadOnlySpan<float> Steps => _steps;

        /// <summary>Dequantisation offset per output (any bias is folded in).</summary>
        public ReadOnlySpan<float> Offsets => _offsets;

        /// <summary>Whether the model carries its prototypes, so tables can be rebuilt for another B.</summary>
        public bool HasPrototypes => _prototypes is not null;

        /// <summary>Prototypes, [c][k][d] (C × 16 × D), or empty.</summary>
        public ReadOnlySpan<float> Prototypes => _prototypes;

        /// <summary>The fingerprint of the B and bias the tables were built for (see
        /// <see cref="ComputeWeightsFingerprint"/>), or null when the model does not record one.</summary>
        public string? WeightsFingerprint { get; private set; }

        /// <summary>The input column that <paramref name="codebook"/>'s tree compares at <paramref name="level"/> (0..3).</summary>
        public int SplitDimension(int codebook, int level) => _splitDimensions[codebook * TreeDepth + level];

        /// <summary>The threshold of <paramref name="node"/> (0 .. 2^level − 1) at <paramref name="level"/>.</summary>
        public float Threshold(int codebook, int level, int node)
        {
            if ((uint)node >= (uint)(1 << level))
            {
                throw new ArgumentOutOfRangeException(nameof(node));
            }

            return _thresholds[codebook * ThresholdsPerCodebook + (1 << level) - 1 + node];
        }

        /// <summary>The 16 table entries of one output and codebook.</summary>
        public ReadOnlySpan<byte> Table(int output, int codebook)
            => new ReadOnlySpan<byte>(_tables, (output * Codebooks + codebook) * BucketCount, BucketCount);

        /// <summary>The average-aggregation group size G = min(16, C) (docs/algorithm.md §2).</summary>
        public int AverageGroupSize => Math.Min(16, Codebooks);

        /// <summary>The bias correction floor(C · log2(G) / 4) subtracted in average aggregation.</summary>
        public int AverageBiasCorrection
        {
            get
            {
                int log2 = 0;
                while ((1 << log2) < AverageGroupSize)
                {
                    log2++;
                }

                return Codebooks * log2 / 4;
            }
        }

        /// <summary>Reads and validates a model file.</summary>
        /// <param name="path">The model file.</param>
        /// <exception cref="FileNotFoundException">The file does not exist.</exception>
        /// <exception cref="LutModelException">The file is unreadable, malformed or describes an invalid model.</exception>
        public static LutModel Load(string path) => LutModelReader.ReadFile(path);

        /// <summary>Reads and validates a model document from <paramref name="stream"/> (UTF-8, read to its end).</summary>
        /// <param name="stream">The stream to read; left open.</param>
        /// <param name="sourceName">Named in error messages, e.g. the file the stream came from.</param>
        /// <exception cref="LutModelException">The document is malformed, too large or describes an invalid model.</exception>
        public static LutModel Load(Stream stream, string? sourceName = null) => LutModelReader.ReadStream(stream, sourceName);

        /// <summary>Parses and validates a model document held in a string.</summary>
        /// <param name="json">The model document.</param>
        /// <param name="sourceName">Named in error messages, e.g. the file the text came from.</param>
        public static LutModel Parse(string json, string? sourceName = null) => LutModelReader.Read(json, sourceName);

        /// <summary>The model as a version-1 model document.</summary>
        public string ToJson() => LutModelWriter.Write(this);

        /// <summary>SHA-256 of <see cref="ToJson"/> in lower-case hex: names the model independently of how its file
        /// was formatted. Generated kernels carry it as <c>ModelSha256</c>.</summary>
        public string ComputeSha256()
        {
            using (SHA256 sha = SHA256.Create())
            {
                byte[] hash = sha.ComputeHash(Encoding.UTF8.GetBytes(ToJson()));
                var sb = new StringBuilder(hash.Length * 2);
                foreach (byte b in hash)
                {
                    sb.Append(b.ToString("x2", CultureInfo.InvariantCulture));
                }

                return sb.ToString();
            }
        }

        /// <summary>Writes the model document to <paramref name="path"/> through a temporary file, so a reader never
        /// sees half a model.</summary>
        /// <param name="path">The file to write or replace.</param>
        public void Save(string path) => Save(path, File.Delete);

        /// <summary>Writes the model document to <paramref name="stream"/> as UTF-8 without a byte-order mark.</summary>
        /// <param name="stream">A writable stream; left open.</param>
        public void Save(Stream stream)
        {
            if (stream is null) throw new ArgumentNullException(nameof(stream));
            byte[] bytes = new UTF8Encoding(false, true).GetBytes(ToJson());
            stream.Write(bytes, 0, bytes.Length);
        }

        /// <summary>A one-line summary: name, shape, aggregation, table size and whether prototypes are stored.</summary>
        public override string ToString()
            => "'" + Name + "': D = " + InputDimension + ", M = " + OutputDimension + ", C = " + Codebooks + ", " +
               (Aggregation == LutAggregation.Average ? "average" : "exact") + " aggregation, " +
               _tables.Length.ToString(CultureInfo.InvariantCulture) + " table bytes, " +
               (HasPrototypes ? "with prototypes" : "no prototypes");

        // deleteTemporary is a parameter so tests can make the cleanup fail (see AtomicFile).
        internal void Save(string path, Action<string> deleteTemporary) => AtomicFile.WriteAllText(path, ToJson(), deleteTemporary);

        /// <summary>A model with the same trees and other tables, e.g. refitted for a new B. The new tables are for
        /// weights this model knows nothing of, so the result records no <see cref="WeightsFingerprint"/>.</summary>
        public LutModel WithTables(byte[] tables, float[] steps, float[] offsets, int outputDimension)
            => new LutModel(InputDimension, outputDimension, _splitDimensions, _thresholds, tables, steps, offsets,
                Aggregation, _prototypes, Name, Producer);

        /// <summary>A model with the same trees and tables aggregated the other way.</summary>
        public LutModel WithAggregation(LutAggregation aggregation)
            => new LutModel(InputDimension, OutputDimension, _splitDimensions, _thresholds, _tables, _steps, _offsets,
                aggregation, _prototypes, Name, Producer) { WeightsFingerprint = WeightsFingerprint };

        /// <summary>The same model without its prototypes: what a kernel needs, a fraction of the file size. The
        /// tables can then no longer be rebuilt for another B. Returns this instance when it has no prototypes.</summary>
        public LutModel WithoutPrototypes()
            => !HasPrototypes ? this : new LutModel(InputDimension, OutputDimension, _splitDimensions, _thresholds,
                _tables, _steps, _offsets, Aggregation, null, Name, Producer, copy: false) { WeightsFingerprint = WeightsFingerprint };

        /// <summary>The same model recording <paramref name="fingerprint"/> as the fingerprint of the weights it was
        /// built for (null records none).</summary>
        /// <param name="fingerprint">A value of <see cref="ComputeWeightsFingerprint"/>, or null.</param>
        /// <exception cref="LutModelException">The fingerprint is not of that form.</exception>
        public LutModel WithWeightsFingerprint(string? fingerprint)
        {
            if (fingerprint is not null)
            {
                LutModelValidator.ValidateWeightsFingerprint(null, fingerprint);
            }

            return new LutModel(InputDimension, OutputDimension, _splitDimensions, _thresholds, _tables, _steps,
                _offsets, Aggregation, _prototypes, Name, Producer, copy: false) { WeightsFingerprint = fingerprint };
        }

        /// <summary>The fingerprint of a B (D × M, row-major) and bias: <c>sha256:</c> and the lower-case hex SHA-256
        /// of D and M (int32) and every value of B then of the bias (float32), all little-endian. A missing bias and
        /// an all-zero bias are the same fingerprint, since both give the same outputs.</summary>
        /// <param name="weights">B, D × <paramref name="outputs"/> row-major.</param>
        /// <param name="outputs">M.</param>
        /// <param name="bias">Empty, or M values.</param>
        /// <exception cref="ArgumentException">The lengths do not fit together.</exception>
        public static string ComputeWeightsFingerprint(ReadOnlySpan<float> weights, int outputs, ReadOnlySpan<float> bias)
        {
            if (outputs < 1 || weights.Length % outputs != 0)
            {
                throw new ArgumentException("Weights have " + weights.Length + " values, not a whole number of rows of " +
                    outputs + " outputs.", nameof(weights));
            }

            if (!bias.IsEmpty && bias.Length != outputs)
            {
                throw new ArgumentException("Bias has " + bias.Length + " values; expected none or " + outputs + ".", nameof(bias));
            }

            var bytes = new byte[8 + 4 * ((long)weights.Length + outputs)];
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(0), weights.Length / outputs);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), outputs);
            for (int i = 0; i < weights.Length; i++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8 + 4 * i), SingleBits(weights[i]));
            }

            for (int m = 0; m < bias.Length; m++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8 + 4 * (weights.Length + m)), SingleBits(bias[m]));
            }

            using (SHA256 sha = SHA256.Create())
            {
                return "sha256:" + Hex(sha.ComputeHash(bytes));
            }
        }

        // -0 is +0 here: the outputs cannot tell them apart.
        private static int SingleBits(float value) => value == 0 ? 0 : BitConverter.ToInt32(BitConverter.GetBytes(value), 0);

        private static string Hex(byte[] hash)
        {
            var sb = new StringBuilder(hash.Length * 2);
            foreach (byte b in hash)
            {
                sb.Append(b.ToString("x2", CultureInfo.InvariantCulture));
            }

            return sb.ToString();
        }

        // The reader has validated already and hands over arrays it owns.
        internal static LutModel CreateValidated(int inputDimension, int outputDimension, int[] splitDimensions,
            float[] thresholds, byte[] tables, float[] steps, float[] offsets, LutAggregation aggregation,
            float[]? prototypes, string name, string? producer, string? weightsFingerprint = null)
            => new LutModel(inputDimension, outputDimension, splitDimensions, thresholds, tables, steps, offsets,
                aggregation, prototypes, name, producer, copy: false) { WeightsFingerprint = weightsFingerprint };

        private static int Checked(int inputDimension, int outputDimension, int[] splitDimensions, float[] thresholds,
            byte[] tables, float[] steps, float[] offsets, LutAggregation aggregation, float[]? prototypes, string name,
            string? producer)
        {
            if (splitDimensions is null) throw new ArgumentNullException(nameof(splitDimensions));
            if (thresholds is null) throw new ArgumentNullException(nameof(thresholds));
            if (tables is null) throw new ArgumentNullException(nameof(tables));
            if (steps is null) throw new ArgumentNullException(nameof(steps));
            if (offsets is null) throw new ArgumentNullException(nameof(offsets));
            if (name is null) throw new ArgumentNullException(nameof(name));
            if (splitDimensions.Length % TreeDepth != 0)
            {
                throw new LutModelException(null, "$.codebooks",
                    "splitDimensions has " + splitDimensions.Length + " entries; expected 4 per codebook");
            }

            LutModelValidator.Validate(null, inputDimension, outputDimension, splitDimensions.Length / TreeDepth,
                splitDimensions, thresholds, tables, steps, offsets, aggregation, prototypes, name, producer);
            return inputDimension;
        }
    }
}
