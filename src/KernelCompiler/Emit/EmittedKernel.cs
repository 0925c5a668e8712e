using System;
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using KernelCompiler.Runtime;

namespace KernelCompiler
{
    /// <summary>One row group's codes for every codebook (see EncodeGroup in the generated source).</summary>
    internal delegate void EncodeGroupStep(ref float slots, ref byte block, nint row, ref float lanes, ref int slotOf);

    /// <summary>One output's sums for a block of rows (see AggregateBlock in the generated source).</summary>
    internal delegate void AggregateBlockStep(ref byte block, ref byte table, ref int sums);

    /// <summary>The fused path's EncodeColumns (see FusedSteps in the generated source).</summary>
    internal delegate void FusedEncodeColumnsStep(ref float x, nint stride, ref uint packed, nint tiles);

    /// <summary>The fused path's EncodeRows.</summary>
    internal delegate void FusedEncodeRowsStep(ref float x, ref uint packed, nint tiles, int phase);

    /// <summary>The fused path's Scan; the tables are an argument (IL has no static data).</summary>
    internal delegate void FusedScanStep(ref uint packed, ref byte tables, ref int sums, nint tiles);

    /// <summary>
    /// A kernel whose model-specific steps were emitted as IL by <see cref="IlKernelEmitter"/>. The block loop and
    /// the support routines below are the same as those <see cref="CSharpKernelWriter"/> writes into every generated
    /// class (Run, Blocks_*, GatherSlots, LoadCodes, StoreCodes, StoreSums, StoreOutputs): change them together.
    /// One difference: buffers too large for the stack are rented from the shared array pool, not allocated per call.
    /// </summary>
    internal sealed class EmittedKernel : LutKernel
    {
        private readonly KernelPlan _plan;
        private readonly EmittedFusedSteps? _fused;
        private readonly EmittedPath[] _paths;
        private readonly float[] _lanes;
        private readonly int[] _slotOf;
        private readonly int[] _slotDimensions;
        private readonly byte[] _tables;
        private readonly float[] _steps;
        private readonly float[] _offsets;

        /// <param name="plan">The plan the steps were emitted from.</param>
        /// <param name="tables">The model's tables, [output][codebook][bucket].</param>
        /// <param name="fused">The fused path's steps, or null where the plan or the CPU has no fused path.</param>
        /// <param name="paths">The other paths this CPU runs, widest first.</param>
        internal EmittedKernel(KernelPlan plan, byte[] tables, EmittedFusedSteps? fused, EmittedPath[] paths)
            : base(plan.Model)
        {
            _plan = plan;
            _fused = fused;
            _paths = paths;
            _lanes = plan.ThresholdLanes;
            _slotOf = plan.SlotOfLevel;
            _slotDimensions = plan.SlotDimensions;
            _tables = tables;
            _steps = plan.Model.Steps.ToArray();
            _offsets = plan.Model.Offsets.ToArray();
        }

        public override string Backend => "emitted";

        /// <summary>The plan the steps were emitted from.</summary>
        internal KernelPlan Plan => _plan;

        /// <summary>The paths this CPU runs, widest first (the plan's paths whose guard holds).</summary>
        internal string PathNames
            => (_fused.HasValue ? KernelPath.Avx512Vbmi.Name + (_paths.Length > 0 ? ", " : "") : "") +
               string.Join(", ", Array.ConvertAll(_paths, p => p.Path.Name));

        /// <summary>The fused path's steps, or null.</summary>
        internal EmittedFusedSteps? Fused => _fused;

        /// <summary>The same kernel with other fused steps (tests use it to prove which rows the fused path computes).</summary>
        internal EmittedKernel WithFused(EmittedFusedSteps? fused) => new EmittedKernel(_plan, _tables, fused, _paths);

        private enum KernelOperation
        {
            Encode,
            Aggregate,
            Multiply,
            MultiplyCodes,
        }

        protected override void EncodeCore(ReadOnlySpan<float> x, int rows, Span<byte> codes, bool columnMajor)
            => Run(KernelOperation.Encode, x, default, rows, columnMajor, codes, default, default);

        protected override void AggregateCore(ReadOnlySpan<byte> codes, int rows, Span<int> sums)
            => Run(KernelOperation.Aggregate, default, codes, rows, false, default, sums, default);

        protected override void MultiplyCore(ReadOnlySpan<float> x, int rows, Span<float> destination, bool columnMajor)
            => Run(KernelOperation.Multiply, x, default, rows, columnMajor, default, default, destination);

        protected override void MultiplyCodesCore(ReadOnlySpan<byte> codes, int rows, Span<float> destination)
            => Run(KernelOperation.MultiplyCodes, default, codes, rows, false, default, default, destination);

        // A partition of column-major rows: the fused path reads its whole tiles in place (the column stride stays N);
        // the last few rows, or the whole partition where there is no fused path, go through the base class's copy.
        protected override void MultiplyColumnMajorRange(ReadOnlySpan<float> x, int rows, int row0, int count, Span<float> destination)
        {
            int done = 0;
            if (_fused is { } fused)
            {
                done = FusedKernelRuntime.MultiplyRows(ref fused, InputDimension, Codebooks, OutputDimension, x, rows, row0,
                    row0 + count, columnMajor: true, _steps, _offsets, destination, _plan.IsAverage);
            }

            if (done < count)
            {
                base.MultiplyColumnMajorRange(x, rows, row0 + done, count - done, destination.Slice(done * OutputDimension));
            }
        }

        // Whole blocks on the widest supported path, then each narrower one, then single rows.
        private void Run(KernelOperation operation, ReadOnlySpan<float> x, ReadOnlySpan<byte> codesIn, int rows,
            bool columnMajor, Span<byte> codes, Span<int> sums, Span<float> destination)
        {
            int row = 0;
            if (_fused is { } fused)
            {
                // The fused path takes every row where there are 16 or more (tiles of 16, the last one overlapping);
                // the paths below take fewer. Emitted only where FusedKernelRuntime.IsSupported holds (the generated
                // Run tests it here).
                row = _plan.IsAverage ? RunFusedAverage(fused, operation, x, codesIn, rows, columnMajor, codes, sums, destination) : operation switch
                {
                    KernelOperation.Encode => FusedKernelRuntime.Encode(fused, InputDimension, Codebooks, x, rows, columnMajor, codes),
                    KernelOperation.Aggregate => FusedKernelRuntime.Aggregate(fused, Codebooks, OutputDimension, codesIn, rows, sums),
                    KernelOperation.Multiply => FusedKernelRuntime.Multiply(fused, InputDimension, Codebooks, OutputDimension, x, rows, columnMajor, _steps, _offsets, destination),
                    _ => FusedKernelRuntime.MultiplyCodes(fused, Codebooks, OutputDimension, codesIn, rows, _steps, _offsets, destination),
                };
            }

            foreach (EmittedPath path in _paths)
            {
                row = Blocks(path, operation, x, codesIn, rows, row, columnMajor, codes, sums, destination);
            }
        }

        // Average models encode as exact ones do and sum through the runtime's *Average methods (blocks of 64 rows).
        private int RunFusedAverage(EmittedFusedSteps fused, KernelOperation operation, ReadOnlySpan<float> x, ReadOnlySpan<byte> codesIn,
            int rows, bool columnMajor, Span<byte> codes, Span<int> sums, Span<float> destination)
            => operation switch
            {
                KernelOperation.Encode => FusedKernelRuntime.Encode(fused, InputDimension, Codebooks, x, rows, columnMajor, codes),
                KernelOperation.Aggregate => FusedKernelRuntime.AggregateAverage(fused, Codebooks, OutputDimension, codesIn, rows, sums),
                KernelOperation.Multiply => FusedKernelRuntime.MultiplyAverage(fused, InputDimension, Codebooks, OutputDimension, x, rows, columnMajor, _steps, _offsets, destination),
                _ => FusedKernelRuntime.MultiplyCodesAverage(fused, Codebooks, OutputDimension, codesIn, rows, _steps, _offsets, destination),
            };

        private int Blocks(EmittedPath path, KernelOperation operation, ReadOnlySpan<float> x, ReadOnlySpan<byte> codesIn,
            int rows, int row, bool columnMajor, Span<byte> codes, Span<int> sums, Span<float> destination)
        {
            int blockRows = path.Path.RowsPerBlock;
            if (rows - row < blockRows)
            {
                return row;
            }

            int c = Codebooks;
            int slotCount = _slotDimensions.Length * blockRows, blockBytes = c * blockRows;
            if (_plan.BuffersOnStack(path.Path))
            {
                return Blocks(path, operation, x, codesIn, rows, row, columnMajor, codes, sums, destination,
                    stackalloc float[slotCount], stackalloc byte[blockBytes]);
            }

            // Too large for the stack: rented, so a warm call allocates nothing.
            float[] rentedSlots = ArrayPool<float>.Shared.Rent(slotCount);
            byte[] rentedBlock = ArrayPool<byte>.Shared.Rent(blockBytes);
            try
            {
                return Blocks(path, operation, x, codesIn, rows, row, columnMajor, codes, sums, destination,
                    rentedSlots.AsSpan(0, slotCount), rentedBlock.AsSpan(0, blockBytes));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rentedBlock);
                ArrayPool<float>.Shared.Return(rentedSlots);
            }
        }

        private int Blocks(EmittedPath path, KernelOperation operation, ReadOnlySpan<float> x, ReadOnlySpan<byte> codesIn,
            int rows, int row, bool columnMajor, Span<byte> codes, Span<int> sums, Span<float> destination,
            Span<float> slots, Span<byte> block)
        {
            int blockRows = path.Path.RowsPerBlock;
            int c = Codebooks, m = OutputDimension;
            Span<int> rowSums = stackalloc int[blockRows];
            ref float slotsRef = ref MemoryMarshal.GetReference(slots);
            ref byte blockRef = ref MemoryMarshal.GetReference(block);
            ref int sumsRef = ref MemoryMarshal.GetReference(rowSums);
            ref byte tables = ref MemoryMarshal.GetArrayDataReference(_tables);
            ref float lanes = ref MemoryMarshal.GetArrayDataReference(_lanes);
            ref int slotOf = ref MemoryMarshal.GetArrayDataReference(_slotOf);
            EncodeGroupStep encode = path.EncodeGroup;
            AggregateBlockStep aggregate = path.AggregateBlock;
            int lanesPerGroup = path.Path.FloatLanes;
            for (; row <= rows - blockRows; row += blockRows)
            {
                if (operation == KernelOperation.Aggregate || operation == KernelOperation.MultiplyCodes)
                {
                    LoadCodes(codesIn, row, blockRows, block);
                }
                else
                {
                    GatherSlots(x, rows, row, blockRows, columnMajor, slots);
                    for (nint group = 0; group < blockRows; group += lanesPerGroup)
                    {
                        encode(ref slotsRef, ref blockRef, group, ref lanes, ref slotOf);
                    }
                }

                if (operation == KernelOperation.Encode)
                {
                    StoreCodes(block, row, blockRows, codes);
                    continue;
                }

                for (int output = 0; output < m; output++)
                {
                    aggregate(ref blockRef, ref Unsafe.Add(ref tables, output * (c * 16)), ref sumsRef);
                    if (operation == KernelOperation.Aggregate)
                    {
                        StoreSums(rowSums, row, blockRows, output, sums);
                    }
                    else
                    {
                        StoreOutputs(rowSums, row, blockRows, output, destination);
                    }
                }
            }

            return row;
        }

        // GatherSlots: the block's values of each split dimension, column-major (slot s at s * count).
        private void GatherSlots(ReadOnlySpan<float> x, int rows, int row, int count, bool columnMajor, Span<float> slots)
        {
            ReadOnlySpan<int> dimensions = _slotDimensions;
            int d = InputDimension;
            for (int s = 0; s < dimensions.Length; s++)
            {
                Span<float> slot = slots.Slice(s * count, count);
                if (columnMajor)
                {
                    x.Slice(dimensions[s] * rows + row, count).CopyTo(slot);
                }
                else
                {
                    for (int r = 0; r < count; r++)
                    {
                        slot[r] = x[(row + r) * d + dimensions[s]];
                    }
                }
            }
        }

        // Codes are row-major (N × C) outside and codebook-major (C × count) in a block.
        private void LoadCodes(ReadOnlySpan<byte> codes, int row, int count, Span<byte> block)
        {
            int c = Codebooks;
            for (int r = 0; r < count; r++)
            {
                for (int i = 0; i < c; i++)
                {
                    block[i * count + r] = codes[(row + r) * c + i];
                }
            }
        }

        private void StoreCodes(ReadOnlySpan<byte> block, int row, int count, Span<byte> codes)
        {
            int c = Codebooks;
            for (int r = 0; r < count; r++)
            {
                for (int i = 0; i < c; i++)
                {
                    codes[(row + r) * c + i] = block[i * count + r];
                }
            }
        }

        private void StoreSums(ReadOnlySpan<int> rowSums, int row, int count, int output, Span<int> sums)
        {
            int m = OutputDimension;
            for (int r = 0; r < count; r++)
            {
                sums[(row + r) * m + output] = rowSums[r];
            }
        }

        // One fused multiply-add per value, as the reference does, so outputs agree bit for bit.
        private void StoreOutputs(ReadOnlySpan<int> rowSums, int row, int count, int output, Span<float> destination)
        {
            int m = OutputDimension;
            float step = _steps[output];
            float offset = _offsets[output];
            for (int r = 0; r < count; r++)
            {
                destination[(row + r) * m + output] = MathF.FusedMultiplyAdd(rowSums[r], step, offset);
            }
        }
    }

    /// <summary>The emitted steps of one path.</summary>
    internal sealed class EmittedPath
    {
        public EmittedPath(KernelPath path, EncodeGroupStep encodeGroup, AggregateBlockStep aggregateBlock)
        {
            Path = path;
            EncodeGroup = encodeGroup;
            AggregateBlock = aggregateBlock;
        }

        public KernelPath Path { get; }

        public EncodeGroupStep EncodeGroup { get; }

        public AggregateBlockStep AggregateBlock { get; }
    }

    /// <summary>
    /// The fused path's emitted steps, as the runtime takes them: <see cref="FusedKernelRuntime"/> is generic over this
    /// struct, so its tile loop is compiled once for emitted kernels and calls each delegate once per chunk of up to
    /// four tiles (the generated source's FusedSteps calls its steps directly). Holds the tables Scan reads.
    /// </summary>
    internal readonly struct EmittedFusedSteps : IFusedKernelSteps
    {
        private readonly FusedEncodeColumnsStep _encodeColumns;
        private readonly FusedEncodeRowsStep _encodeRows;
        private readonly FusedScanStep _scan;
        private readonly AlignedBytes _tables;

        /// <summary>The three emitted steps and the tables Scan reads: [output][group of four codebooks][64], the last
        /// group padded with zeros, M · G · 64 bytes, read in full; copied to a 64-byte boundary (see AlignedBytes).</summary>
        public EmittedFusedSteps(FusedEncodeColumnsStep encodeColumns, FusedEncodeRowsStep encodeRows, FusedScanStep scan,
            ReadOnlySpan<byte> tables)
        {
            _encodeColumns = encodeColumns;
            _encodeRows = encodeRows;
            _scan = scan;
            _tables = new AlignedBytes(tables);
        }

        public void EncodeColumns(ref float x, nint stride, ref uint packed, nint tiles)
            => _encodeColumns(ref x, stride, ref packed, tiles);

        public void EncodeRows(ref float x, ref uint packed, nint tiles, int phase)
            => _encodeRows(ref x, ref packed, tiles, phase);

        public void Scan(ref uint packed, ref int sums, nint tiles)
            => _scan(ref packed, ref _tables.Reference, ref sums, tiles);
    }
}
