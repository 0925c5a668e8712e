using System;
using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using KernelCompiler.Runtime;

namespace KernelCompiler.NetworkKernels
{
    /// <summary>
    /// The managed fused network kernel: carries a tile of 64 rows through every layer of a <see cref="NetworkPlan"/>.
    /// Per tile it gathers the first layer's columns into a column-major tile, then for each layer encodes (floats, or
    /// raw sums against folded integer thresholds), aggregates only the planned outputs into 16-bit sums, and hands
    /// raw sums or floats to the next layer. The tile loop is generic over the network's encode steps
    /// (<see cref="INetworkKernelSteps"/>: generated or emitted code with the thresholds as constants, or
    /// <see cref="TableNetworkSteps"/> reading them as data); aggregation and dense layers read the tables as data.
    /// </summary>
    /// <remarks>
    /// Tile layouts (T = 64 rows, "lane" r = row r of the tile):
    /// values: slot-major, <c>values[slot · T + r]</c>, floats or ushorts;
    /// codes: <c>codes[c · T + 2p + h]</c> holds row <c>p + 32h</c> (p &lt; 32), so that in a 16-bit lane p of the
    /// looked-up bytes the low byte is row p and the high byte row p + 32: widening needs a shift, not a shuffle, and
    /// the sums come out in row order on every vector width. A layer on the AVX-512 VBMI path (<see cref="Permute"/>)
    /// lays its codes out in groups of four codebooks instead (EncodeQuads512). The first layer's tile holds either
    /// the gathered split columns (slot = index into <see cref="NetworkPlan.InputColumns"/>) or, when it reads most
    /// of them, every column transposed (slot = column).
    /// </remarks>
    internal sealed partial class FusedNetworkRunner
    {
        /// <summary>Rows a tile.</summary>
        public const int TileRows = 64;

        private readonly LayerState[] _layers;
        private readonly int[] _inputColumns;
        private readonly bool _transpose;
        private readonly int _valueBytes;
        private readonly int _codeBytes;

        public FusedNetworkRunner(NetworkPlan plan, int maxWidth, bool permute = true)
        {
            Plan = plan;
            Width = SupportedWidth(maxWidth);
            Permute = permute && Width >= 512 && Avx512Vbmi.IsSupported;
            int d = plan.Network.InputDimension;

            // When the first layer reads most columns, transposing whole 8 × 8 blocks of the input beats gathering
            // the columns one value at a time; the tile then holds every column and slot = column.
            _transpose = Width >= 256 && plan.TransposesInput;
            _inputColumns = _transpose ? AllColumns(d) : plan.InputColumns;
            int maxSlots = _inputColumns.Length, maxCodebooks = 1;
            _layers = new LayerState[plan.Layers.Count];
            for (int k = 0; k < _layers.Length; k++)
            {
                NetworkLayerPlan layer = plan.Layers[k];
                _layers[k] = new LayerState(layer, Permute, plan.EncodeSlots(k, wide: Width >= 256));
                maxSlots = Math.Max(maxSlots, layer.Outputs.Length);
                if (layer.Model is LutModel model)
                {
                    maxCodebooks = Math.Max(maxCodebooks, model.Codebooks);
                }
            }

            _valueBytes = maxSlots * TileRows * sizeof(float);
            _codeBytes = (maxCodebooks + 3) / 4 * 4 * TileRows;
        }

        public NetworkPlan Plan { get; }

        /// <summary>The vector width in bits the kernel runs: 512, 256, 128 (SSSE3, or AdvSimd on Arm64), or 0 for
        /// scalar code.</summary>
        public int Width { get; }

        /// <summary>Whether exact-aggregation layers use the 64-byte table path (vpermb over four codebooks, AVX-512
        /// VBMI) instead of 16-byte shuffles.</summary>
        public bool Permute { get; }

        /// <summary>Bytes of scratch a call needs: two value tiles, the codes, and one row of outputs.</summary>
        public int WorkspaceBytes => 2 * _valueBytes + _codeBytes + Plan.Network.OutputDimension * sizeof(float) + 64;

        /// <summary>The widest path this CPU runs, at most <paramref name="maxWidth"/> bits.</summary>
        public static int SupportedWidth(int maxWidth)
        {
            if (maxWidth >= 512 && Avx512BW.IsSupported) return 512;
            if (maxWidth >= 256 && Avx2.IsSupported) return 256;
            if (maxWidth >= 128 && (Ssse3.IsSupported || AdvSimd.Arm64.IsSupported)) return 128;
            return 0;
        }

        /// <summary>Runs <paramref name="count"/> ≤ 64 rows starting at row <paramref name="row0"/> of
        /// <paramref name="x"/> (row-major) and returns the last layer's outputs, slot-major floats.</summary>
        public unsafe float* RunTile<TSteps>(ref TSteps steps, float* x, int row0, int count, byte* workspace)
            where TSteps : struct, INetworkKernelSteps
        {
            byte* current = workspace, next = workspace + _valueBytes, codes = workspace + 2 * _valueBytes;
            long[]? ticks = StageTicks;
            long time = ticks is null ? 0 : Stopwatch.GetTimestamp();
            Gather(x, row0, count, (float*)current);
            if (ticks is not null) Lap(ticks, 0, ref time);
            for (int k = 0; k < _layers.Length; k++)
            {
                LayerState layer = _layers[k];
                if (layer.Model is not null)
                {
                    Encode(ref steps, k, layer, current, codes);
                    if (ticks is not null) Lap(ticks, 1 + 2 * k, ref time);
                    Aggregate(layer, codes, next);
                    if (ticks is not null) Lap(ticks, 2 + 2 * k, ref time);
                }
                else
                {
                    Dense(layer, (float*)current, (float*)next);
                    if (ticks is not null) Lap(ticks, 2 + 2 * k, ref time);
                }

                byte* swap = current;
                current = next;
                next = swap;
            }

            return (float*)current;
        }

        /// <summary>For measurements only (benchmarks' network profile): when set, each tile adds the Stopwatch ticks
        /// of its stages: [0] the gather, [1 + 2k] layer k's encode, [2 + 2k] its aggregation or dense product.
        /// Not thread-safe; null in normal use.</summary>
        internal long[]? StageTicks { get; set; }

        private static void Lap(long[] ticks, int stage, ref long time)
        {
            long now = Stopwatch.GetTimestamp();
            ticks[stage] += now - time;
            time = now;
        }

        /// <summary>Where a row's scratch outputs go inside the workspace (used by the argmax head).</summary>
        public unsafe float* RowScratch(byte* workspace) => (float*)(workspace + 2 * _valueBytes + _codeBytes);

        private unsafe void Gather(float* x, int row0, int count, float* tile)
        {
            int d = Plan.Network.InputDimension;
            int[] columns = _inputColumns;
            fixed (int* pc = columns)
            {
                if (count == TileRows && _transpose)
                {
                    TransposeFull(x + (nint)row0 * d, d, tile);
                    return;
                }

                if (count == TileRows && Width >= 256 && (long)(TileRows - 1) * d <= int.MaxValue)
                {
                    GatherFull(x + (nint)row0 * d, d, pc, columns.Length, tile);
                    return;
                }

                for (int r = 0; r < count; r++)
                {
                    float* row = x + (nint)(row0 + r) * d;
                    for (int slot = 0; slot < columns.Length; slot++)
                    {
                        tile[slot * TileRows + r] = row[pc[slot]];
                    }
                }

                // Lanes past the last row hold whatever the buffer held: every step is lane-wise, so they only
                // produce ignored results; zeroing keeps them deterministic.
                if (count < TileRows)
                {
                    for (int slot = 0; slot < columns.Length; slot++)
                    {
                        new Span<float>(tile + slot * TileRows + count, TileRows - count).Clear();
                    }
                }
            }
        }

        /// <summary>A whole tile, every column, by 8 × 8 transposes (AVX): 8 row loads, 24 shuffles and 8 column stores
        /// per 64 values; the columns past the last multiple of 8 one value at a time.</summary>
        private static unsafe void TransposeFull(float* rows, int d, float* tile)
        {
            int whole = d & ~7;
            for (int g = 0; g < TileRows; g += 8)
            {
                float* r = rows + (nint)g * d;
                for (int c = 0; c < whole; c += 8)
                {
                    Vector256<float> r0 = Vector256.Load(r + c), r1 = Vector256.Load(r + d + c);
                    Vector256<float> r2 = Vector256.Load(r + 2 * d + c), r3 = Vector256.Load(r + 3 * d + c);
                    Vector256<float> r4 = Vector256.Load(r + 4 * d + c), r5 = Vector256.Load(r + 5 * d + c);
                    Vector256<float> r6 = Vector256.Load(r + 6 * d + c), r7 = Vector256.Load(r + 7 * d + c);
                    Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
                    Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
                    Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
                    Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
                    Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
                    Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
                    Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
                    Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
                    float* o = tile + c * TileRows + g;
                    Avx.Permute2x128(u0, u4, 0x20).Store(o);
                    Avx.Permute2x128(u1, u5, 0x20).Store(o + TileRows);
                    Avx.Permute2x128(u2, u6, 0x20).Store(o + 2 * TileRows);
                    Avx.Permute2x128(u3, u7, 0x20).Store(o + 3 * TileRows);
                    Avx.Permute2x128(u0, u4, 0x31).Store(o + 4 * TileRows);
                    Avx.Permute2x128(u1, u5, 0x31).Store(o + 5 * TileRows);
                    Avx.Permute2x128(u2, u6, 0x31).Store(o + 6 * TileRows);
                    Avx.Permute2x128(u3, u7, 0x31).Store(o + 7 * TileRows);
                }

                for (int c = whole; c < d; c++)
                {
                    for (int i = 0; i < 8; i++)
                    {
                        tile[c * TileRows + g + i] = r[(nint)i * d + c];
                    }
                }
            }
        }

        private static int[] AllColumns(int d)
        {
            var all = new int[d];
            for (int i = 0; i < d; i++)
            {
                all[i] = i;
            }

            return all;
        }

        /// <summary>A whole tile with hardware gathers: per column, 8 rows a gather (.NET has no 512-bit gather) and one contiguous store,
        /// instead of one scattered store per value.</summary>
        private unsafe void GatherFull(float* rows, int d, int* columns, int count, float* tile)
        {
            Vector256<int> offsets8 = Vector256.CreateSequence(0, d);
            for (int slot = 0; slot < count; slot++)
            {
                float* column = rows + columns[slot];
                for (int g = 0; g < TileRows; g += 8)
                {
                    Avx2.GatherVector256(column + (nint)g * d, offsets8, 4).Store(tile + slot * TileRows + g);
                }
            }
        }

        /// <summary>Everything a layer's tile steps read, flattened once at construction.</summary>
        private sealed class LayerState
        {
            public LayerState(NetworkLayerPlan plan, bool permute, int[]? encodeSlots)
            {
                Plan = plan;
                Activation = plan.Layer.Activation;
                Outputs = plan.Outputs;
                if (plan.Layer is LutLayer lut)
                {
                    LutModel model = lut.Model;
                    Model = model;
                    Codebooks = model.Codebooks;
                    Tables = model.Tables.ToArray();
                    Steps = model.Steps.ToArray();
                    Offsets = model.Offsets.ToArray();
                    RawBias = NetworkPlan.RawBias(model);
                    GroupSize = model.Aggregation == LutAggregation.Exact ? 0 : model.AverageGroupSize;
                    // A first layer over a transposed tile of every column reads column = slot.
                    SplitSlots = encodeSlots!;
                    Quad = permute && GroupSize == 0;
                    if (Quad)
                    {
                        // Each output's tables padded to whole groups of four codebooks (64 bytes, one vpermb
                        // table); the padding entries are 0, so padded codebooks add nothing.
                        int quads = (Codebooks + 3) / 4;
                        QuadTables = new byte[model.OutputDimension * quads * 64];
                        for (int m = 0; m < model.OutputDimension; m++)
                        {
                            model.Tables.Slice(m * Codebooks * 16, Codebooks * 16).CopyTo(QuadTables.AsSpan(m * quads * 64));
                        }
                    }

                    // One spare entry so a 16-wide load at the last codebook stays inside the array.
                    FloatThresholds = new float[model.Thresholds.Length + 1];
                    model.Thresholds.CopyTo(FloatThresholds);
                    IntThresholds = new int[model.Thresholds.Length + 1];
                    plan.FoldedThresholds?.CopyTo(IntThresholds, 0);
                }
                else
                {
                    var dense = (DenseLayer)plan.Layer;
                    int d = dense.InputDimension, m = dense.OutputDimension;
                    DenseInputs = d;
                    Weights = new float[plan.Outputs.Length * d];
                    Bias = new float[plan.Outputs.Length];
                    for (int j = 0; j < plan.Outputs.Length; j++)
                    {
                        int unit = plan.Outputs[j];
                        Bias[j] = dense.Bias[unit];
                        for (int i = 0; i < d; i++)
                        {
                            Weights[j * d + i] = dense.Weights[i * m + unit];
                        }
                    }
                }
            }

            public NetworkLayerPlan Plan { get; }

            public LayerActivation Activation { get; }

            public int[] Outputs { get; }

            public LutModel? Model { get; }

            public int Codebooks { get; }

            /// <summary>0 for exact aggregation, else G.</summary>
            public int GroupSize { get; }

            public int RawBias { get; }

            /// <summary>Whether this layer runs the vpermb path: codes in groups of four codebooks
            /// (EncodeQuads512), tables in <see cref="QuadTables"/>.</summary>
            public bool Quad { get; }

            public byte[] QuadTables { get; } = Array.Empty<byte>();

            public byte[] Tables { get; } = Array.Empty<byte>();

            public float[] Steps { get; } = Array.Empty<float>();

            public float[] Offsets { get; } = Array.Empty<float>();

            public int[] SplitSlots { get; } = Array.Empty<int>();

            public float[] FloatThresholds { get; } = Array.Empty<float>();

            public int[] IntThresholds { get; } = Array.Empty<int>();

            public int DenseInputs { get; }

            /// <summary>Dense weights transposed to the computed outputs: <c>Weights[j · D + d]</c>.</summary>
            public float[] Weights { get; } = Array.Empty<float>();

            public float[] Bias { get; } = Array.Empty<float>();
        }
    }
}
