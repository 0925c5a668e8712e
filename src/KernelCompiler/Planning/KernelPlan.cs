// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System;
using System.Collections.Generic;

namespace KernelCompiler.Planning
{
    /// <summary>
    /// Everything the two emitters (<see cref="Emit.CSharpKernelWriter"/> and <see cref="Emit.IlKernelEmitter"/>) must agree
    /// on, decided once by <see cref="KernelPlanner"/>: the paths and their block sizes, the strategy, the order of
    /// the codebooks and levels, the slot of every split dimension and the constants and data that exist.
    /// </summary>
    /// <remarks>
    /// Design, as .NET's regex engine shares one analysis between its compiler and its source generator, and both
    /// run over one runtime (RegexRunner): every block path runs the same four steps on a block of rows. The
    /// model-independent ones live in KernelCompiler.Runtime.BlockKernelRuntime; the emitters write only the two
    /// model-specific ones, with the same names, as the members of one steps struct per path (IBlockKernelSteps).
    /// <list type="number">
    /// <item><b>Gather</b> (runtime): copy the block's values of the distinct split dimensions ("slots") into a
    /// small column-major buffer, whatever the input layout (bounds-checked span code; the only read of x). Both
    /// layouts are copied: only the fused path reads column-major input in place.</item>
    /// <item><b>EncodeGroup</b>: for each codebook, four compares of a float vector against its level's
    /// thresholds (selected by the node so far), giving one code per row, stored codebook-major in the block
    /// buffer (<c>block[c * RowsPerBlock + row]</c>).</item>
    /// <item><b>AggregateBlock</b>: for one output, one in-lane byte shuffle per codebook looks up the table
    /// entries of all the block's rows; exact sums widen to uint16 lanes and add (C · 255 fits in 16 bits),
    /// average aggregation first combines each group with rounding averages.</item>
    /// <item><b>Store</b> (runtime): codes, sums, or one fused multiply-add per output value, written row-major.</item>
    /// </list>
    /// A kernel runs the widest supported path over whole blocks, then each narrower one, and scalar (blocks of
    /// one row) for the rest, so no step ever reads or writes outside its buffers or the caller's spans.
    /// The fused AVX-512 VBMI path is different: its tile loop is KernelCompiler.Runtime.FusedKernelRuntime, and
    /// only its steps are emitted (docs/kernel-design.md).
    /// Linked into the netstandard2.0 generator: keep it free of APIs newer than netstandard2.0.
    /// </remarks>
    internal sealed class KernelPlan
    {
        /// <summary>Unrolled code above this many codebooks grows past what the JIT optimises in one method (about
        /// 2,000 basic blocks; the scalar decision tree has 31 per codebook). Code size does not grow with M:
        /// outputs are a loop over table data in both strategies, so the limit is on C alone.</summary>
        public const int MaxUnrolledCodebooks = 32;

        /// <summary>Tables above this size (C · M · 16 bytes) are written as base64 text, not a list of byte literals:
        /// a list of millions of literals makes the C# compiler slow and hungry.</summary>
        public const int MaxListedTableBytes = 256 * 1024;

        /// <summary>The fused path's limits (FusedKernelRuntime.MaxCodebooks and MaxOutputs; the runtime is not
        /// linked into the generator, so they are repeated here and a test keeps them equal).</summary>
        public const int MaxFusedCodebooks = 128;

        public const int MaxFusedOutputs = 1024;

        /// <summary>The fused path's limit on M for average models (FusedKernelRuntime.MaxAverageOutputs).</summary>
        public const int MaxFusedAverageOutputs = 256;

        /// <summary>Threshold lanes per level in <see cref="ThresholdLanes"/>: the widest level has 8 nodes.</summary>
        public const int LanesPerLevel = 8;

        internal KernelPlan(LutModel model, KernelPath[] paths, bool autoPaths,
            KernelStrategy strategy, string? strategyReason, int[] slotDimensions, int[] slotOfLevel,
            float[] thresholdLanes)
        {
            Model = model;
            Paths = paths;
            AutoPaths = autoPaths;
            Strategy = strategy;
            StrategyReason = strategyReason;
            SlotDimensions = slotDimensions;
            SlotOfLevel = slotOfLevel;
            ThresholdLanes = thresholdLanes;
        }

        public LutModel Model { get; }

        /// <summary>Widest first, always ending with the scalar path.</summary>
        public IReadOnlyList<KernelPath> Paths { get; }

        /// <summary>Whether the paths were chosen under <see cref="KernelInstructionSet.Auto"/> (see <see cref="KernelPathPolicy"/>).</summary>
        public bool AutoPaths { get; }

        /// <summary>The C# condition under which <paramref name="path"/> runs (<see cref="KernelPathPolicy.Guard"/>).</summary>
        public string Guard(KernelPath path) => KernelPathPolicy.Guard(path, AutoPaths);

#if NET
        /// <summary>Whether <paramref name="path"/> runs on this CPU (<see cref="KernelPathPolicy.IsSupported"/>).</summary>
        public bool IsSupported(KernelPath path) => KernelPathPolicy.IsSupported(path, AutoPaths);
#endif

        /// <summary>Unrolled or TableDriven, never Auto.</summary>
        public KernelStrategy Strategy { get; }

        /// <summary>Why the plan is table-driven (for an Info diagnostic), or null when it is unrolled.</summary>
        public string? StrategyReason { get; }

        public bool IsUnrolled => Strategy == KernelStrategy.Unrolled;

        public int InputDimension => Model.InputDimension;

        public int OutputDimension => Model.OutputDimension;

        public int Codebooks => Model.Codebooks;

        public bool IsAverage => Model.Aggregation == LutAggregation.Average;

        /// <summary>G of average aggregation (1 for exact, where it is unused).</summary>
        public int GroupSize => IsAverage ? Model.AverageGroupSize : 1;

        public int BiasCorrection => IsAverage ? Model.AverageBiasCorrection : 0;

        /// <summary>The distinct split dimensions, ascending: slot s holds input column SlotDimensions[s].</summary>
        public int[] SlotDimensions { get; }

        /// <summary>[c * 4 + level]: the slot read by codebook c at that level.</summary>
        public int[] SlotOfLevel { get; }

        /// <summary>[c * 32 + level * 8 + node]: the thresholds of each level padded to 8 lanes (padding repeats
        /// the level's last threshold and is never selected), so one permute picks a threshold per row.</summary>
        public float[] ThresholdLanes { get; }

        /// <summary>SHA-256 of the model document, lowercase hex; computed on first use (only the C# writer needs
        /// it, and the document of a large model is megabytes).</summary>
        public string ModelHash => _modelHash ?? (_modelHash = Model.ComputeSha256());

        private string? _modelHash;

        /// <summary>Whether the C# writer embeds the tables as base64 text (see <see cref="MaxListedTableBytes"/>).</summary>
        public bool TablesAsBase64 => (long)Codebooks * OutputDimension * LutModel.BucketCount > MaxListedTableBytes;

        /// <summary>Whether the plan has the fused AVX-512 VBMI path (it is then the first path), whose tables are
        /// <see cref="FusedTables"/>.</summary>
        public bool HasFusedPath => Paths.Count > 0 && Paths[0].InstructionSet == KernelInstructionSet.Avx512Vbmi;

        /// <summary>P = ⌈C / 4⌉, the fused path's packed groups of four codebooks, the last one padded (G is the average
        /// group size, <see cref="GroupSize"/>).</summary>
        public int FusedGroups => (Codebooks + 3) / 4;

        /// <summary>The fused encoder's integer constants, named as both emitters declare them: each codebook j of a
        /// group starts its node at 16 · j (<c>start</c>j) or, after going right at level 0, 16 · j + 8
        /// (<c>right</c>j); levels 1 to 3 add their bit 8 &gt;&gt; level (<c>bit</c>4, 2, 1). See
        /// <see cref="FusedLanes"/>.</summary>
        public static IReadOnlyList<(string Name, int Value)> FusedConstants { get; } = new (string, int)[]
        {
            ("start0", 0), ("right0", 8), ("start1", 16), ("right1", 24), ("start2", 32), ("right2", 40),
            ("start3", 48), ("right3", 56), ("bit4", 4), ("bit2", 2), ("bit1", 1),
        };

        /// <summary>The fused path's thresholds of one codebook and level as the 16 lanes its vpermps indexes. The
        /// fused encoder keeps each row's node as 16 · j + its decisions so far written from the top bit down
        /// (decision s adds 8 >> s), so one masked add records a decision and the index is the code at the end; the
        /// permute reads the low four bits, so node i of level l (its l decisions, first one most significant) sits
        /// in lane i · 2^(4 − l). Unused lanes are 0 and never selected. Level 0 is a broadcast.</summary>
        public float[] FusedLanes(int codebook, int level)
        {
            var lanes = new float[16];
            int nodes = 1 << level;
            for (int lane = 0; lane < 16; lane++)
            {
                lanes[lane] = level == 0 ? Threshold(codebook, 0, 0) : 0f;
            }

            for (int i = 0; level > 0 && i < nodes; i++)
            {
                lanes[i << (LutModel.TreeDepth - level)] = Threshold(codebook, level, i);
            }

            return lanes;
        }

        /// <summary>The fused path's tables, [m][g][64]: group g's four 16-byte tables in codebook order (a missing
        /// codebook's table is zeros), one vpermb operand each.</summary>
        public byte[] FusedTables()
        {
            int g = FusedGroups, m = OutputDimension, c = Codebooks;
            var tables = new byte[m * g * 64];
            ReadOnlySpan<byte> source = Model.Tables;
            for (int o = 0; o < m; o++)
            {
                source.Slice(o * c * 16, c * 16).CopyTo(tables.AsSpan(o * g * 64));
            }

            return tables;
        }

        public int SlotOf(int codebook, int level) => SlotOfLevel[codebook * LutModel.TreeDepth + level];

        public float Threshold(int codebook, int level, int node) => Model.Threshold(codebook, level, node);
    }
}
