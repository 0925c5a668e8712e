using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace KernelCompiler
{
    /// <summary>
    /// The table-driven SIMD kernel: reads the model as data, generates no code, so it runs where dynamic code
    /// cannot (NativeAOT) and is the baseline that shows what specialisation buys. Bit-identical to the reference.
    /// </summary>
    /// <remarks>
    /// Rows are processed in blocks (64 rows with AVX-512, 32 with AVX2, 16 with 128-bit vectors). Encoding walks
    /// each codebook's tree for a vector of rows at once: the threshold of every lane's current node is picked from
    /// the codebook's 15 thresholds by a variable permute (heap order: node i's children are 2i + 1 and 2i + 2), then
    /// one float compare decides the next level. The block's codes are kept codebook-major ([c][row] bytes), so each
    /// 16-entry table is looked up for 16 rows at once by an in-lane byte shuffle; sums accumulate in uint16 (C × 255
    /// ≤ 65535) and are dequantised with exactly one fused multiply-add. A partial last block is encoded by scalar
    /// code and padded with code 0, so no path reads or writes outside the caller's spans. Scratch lives on the
    /// stack: the kernel holds no mutable state and is safe to share between threads.
    /// </remarks>
    public sealed partial class GenericKernel : LutKernel
    {
        // Outputs dequantised per pass before they are copied, row by row, into the row-major destination.
        private const int OutputChunk = 16;

        private readonly int _d;
        private readonly int _m;
        private readonly int _c;
        private readonly int[] _splits;      // [c][level]
        private readonly float[] _heap;      // [c][16]: the 15 thresholds in heap order, then one unused pad
        private readonly byte[] _tables;     // [m][c][16]
        private readonly float[] _steps;
        private readonly float[] _offsets;
        private readonly bool _average;
        private readonly int _groupSize;     // G = min(16, C) for average aggregation
        private readonly int _log2Group;
        private readonly int _bias;          // floor(C · log2(G) / 4)

        private GenericKernel(LutModel model, KernelInstructionSet path)
            : base(model)
        {
            _d = model.InputDimension;
            _m = model.OutputDimension;
            _c = model.Codebooks;
            _splits = model.SplitDimensions.ToArray();
            _heap = new float[_c * 16];
            ReadOnlySpan<float> thresholds = model.Thresholds;
            for (int c = 0; c < _c; c++)
            {
                // The model stores node j of level l at 2^l − 1 + j: that is already heap order.
                thresholds.Slice(c * LutModel.ThresholdsPerCodebook, LutModel.ThresholdsPerCodebook).CopyTo(_heap.AsSpan(c * 16));
            }

            _tables = model.Tables.ToArray();
            _steps = model.Steps.ToArray();
            _offsets = model.Offsets.ToArray();
            _average = model.Aggregation == LutAggregation.Average;
            _groupSize = model.AverageGroupSize;
            while ((1 << _log2Group) < _groupSize)
            {
                _log2Group++;
            }

            _bias = model.AverageBiasCorrection;
            InstructionSet = path;
            BlockRows = path switch
            {
                KernelInstructionSet.Avx512 => 64,
                KernelInstructionSet.Avx2 => 32,
                _ => 16,
            };
        }

        public override string Backend => "generic";

        /// <summary>The path this instance runs: never Auto, and never wider than the CPU supports or the caller
        /// asked for.</summary>
        internal KernelInstructionSet InstructionSet { get; }

        /// <summary>Rows per block of the chosen path.</summary>
        internal int BlockRows { get; }

        /// <summary>Creates the table-driven kernel for <paramref name="model"/>.</summary>
        /// <param name="model">The model to run.</param>
        /// <param name="instructionSet">The widest path to use; a path the CPU lacks falls back to the next
        /// narrower one (AVX-512 → AVX2 → 128-bit → scalar).</param>
        public static GenericKernel Create(LutModel model, KernelInstructionSet instructionSet = KernelInstructionSet.Auto)
        {
            if (model is null)
            {
                throw new ArgumentNullException(nameof(model));
            }

            return new GenericKernel(model, ChoosePath(instructionSet));
        }

        /// <summary>The widest supported path no wider than <paramref name="requested"/>.</summary>
        internal static KernelInstructionSet ChoosePath(KernelInstructionSet requested)
        {
            switch (requested)
            {
                case KernelInstructionSet.Auto:
                case KernelInstructionSet.Avx512:
                    // The row-major loads gather with AVX2 (.NET has no 512-bit gather); every AVX-512 CPU has it.
                    if (Avx512F.IsSupported && Avx512BW.IsSupported && Avx2.IsSupported)
                    {
                        return KernelInstructionSet.Avx512;
                    }

                    goto case KernelInstructionSet.Avx2;
                case KernelInstructionSet.Avx2:
                    if (Avx2.IsSupported && Fma.IsSupported)
                    {
                        return KernelInstructionSet.Avx2;
                    }

                    goto case KernelInstructionSet.Vector128;
                case KernelInstructionSet.Vector128:
                    if (Ssse3.IsSupported || AdvSimd.Arm64.IsSupported)
                    {
                        return KernelInstructionSet.Vector128;
                    }

                    return KernelInstructionSet.Scalar;
                case KernelInstructionSet.Scalar:
                    return KernelInstructionSet.Scalar;
                default:
                    throw new ArgumentOutOfRangeException(nameof(requested), requested, "Unknown instruction set.");
            }
        }

        [SkipLocalsInit]
        protected override void EncodeCore(ReadOnlySpan<float> x, int rows, Span<byte> codes, bool columnMajor)
        {
            int b = BlockRows;
            Span<byte> block = stackalloc byte[_c * b];
            for (int row0 = 0; row0 < rows; row0 += b)
            {
                int count = Math.Min(b, rows - row0);
                EncodeBlock(x, rows, row0, count, columnMajor, block);
                for (int r = 0; r < count; r++)
                {
                    Span<byte> rowCodes = codes.Slice((row0 + r) * _c, _c);
                    for (int c = 0; c < rowCodes.Length; c++)
                    {
                        rowCodes[c] = block[c * b + r];
                    }
                }
            }
        }

        [SkipLocalsInit]
        protected override void AggregateCore(ReadOnlySpan<byte> codes, int rows, Span<int> sums)
        {
            int b = BlockRows;
            Span<byte> block = stackalloc byte[_c * b];
            Span<int> stage = stackalloc int[OutputChunk * b];
            for (int row0 = 0; row0 < rows; row0 += b)
            {
                int count = Math.Min(b, rows - row0);
                LoadCodes(codes.Slice(row0 * _c, count * _c), count, block);
                ScanBlock(block, count, sums.Slice(row0 * _m, count * _m), stage, dequantize: false);
            }
        }

        [SkipLocalsInit]
        protected override void MultiplyCore(ReadOnlySpan<float> x, int rows, Span<float> destination, bool columnMajor)
        {
            int b = BlockRows;
            Span<byte> block = stackalloc byte[_c * b];
            Span<int> stage = stackalloc int[OutputChunk * b];
            Span<int> bits = MemoryMarshal.Cast<float, int>(destination);
            for (int row0 = 0; row0 < rows; row0 += b)
            {
                int count = Math.Min(b, rows - row0);
                EncodeBlock(x, rows, row0, count, columnMajor, block);
                ScanBlock(block, count, bits.Slice(row0 * _m, count * _m), stage, dequantize: true);
            }
        }

        [SkipLocalsInit]
        protected override void MultiplyCodesCore(ReadOnlySpan<byte> codes, int rows, Span<float> destination)
        {
            int b = BlockRows;
            Span<byte> block = stackalloc byte[_c * b];
            Span<int> stage = stackalloc int[OutputChunk * b];
            Span<int> bits = MemoryMarshal.Cast<float, int>(destination);
            for (int row0 = 0; row0 < rows; row0 += b)
            {
                int count = Math.Min(b, rows - row0);
                LoadCodes(codes.Slice(row0 * _c, count * _c), count, block);
                ScanBlock(block, count, bits.Slice(row0 * _m, count * _m), stage, dequantize: true);
            }
        }

        /// <summary>Encodes rows row0 .. row0 + count − 1 into <paramref name="block"/> ([c][row]); a partial block is
        /// encoded by scalar code and padded with code 0 so the vector scan can run over the whole block.</summary>
        private void EncodeBlock(ReadOnlySpan<float> x, int rows, int row0, int count, bool columnMajor, Span<byte> block)
        {
            if (count < BlockRows || InstructionSet == KernelInstructionSet.Scalar)
            {
                EncodeRowsScalar(x, rows, row0, count, columnMajor, block);
                return;
            }

            switch (InstructionSet)
            {
                case KernelInstructionSet.Avx512:
                    EncodeBlockAvx512(x, rows, row0, columnMajor, block);
                    break;
                case KernelInstructionSet.Avx2:
                    EncodeBlockAvx2(x, rows, row0, columnMajor, block);
                    break;
                default:
                    EncodeBlockVector128(x, rows, row0, columnMajor, block);
                    break;
            }
        }

        /// <summary>Sums (or dequantised outputs, as float bits) of a block's <paramref name="count"/> rows into the
        /// row-major <paramref name="destination"/> (count × M).</summary>
        private void ScanBlock(ReadOnlySpan<byte> block, int count, Span<int> destination, Span<int> stage, bool dequantize)
        {
            switch (InstructionSet)
            {
                case KernelInstructionSet.Avx512:
                    ScanBlockAvx512(block, count, destination, stage, dequantize);
                    break;
                case KernelInstructionSet.Avx2:
                    ScanBlockAvx2(block, count, destination, stage, dequantize);
                    break;
                case KernelInstructionSet.Vector128:
                    ScanBlockVector128(block, count, destination, stage, dequantize);
                    break;
                default:
                    ScanBlockScalar(block, count, destination, dequantize);
                    break;
            }
        }

        /// <summary>Row-major codes (count × C) into the codebook-major block, padding missing rows with code 0.</summary>
        private void LoadCodes(ReadOnlySpan<byte> codes, int count, Span<byte> block)
        {
            int b = BlockRows;
            if (count < b)
            {
                block.Clear();
            }

            for (int r = 0; r < count; r++)
            {
                ReadOnlySpan<byte> rowCodes = codes.Slice(r * _c, _c);
                for (int c = 0; c < rowCodes.Length; c++)
                {
                    block[c * b + r] = rowCodes[c];
                }
            }
        }

        /// <summary>Copies a staged chunk of outputs ([output][k], where the vector paths keep even rows in the first
        /// half of k and odd rows in the second) into rows of the row-major destination.</summary>
        private void WriteStage(ReadOnlySpan<int> stage, int count, int firstOutput, int outputs, Span<int> destination)
        {
            int b = BlockRows;
            int half = b / 2;
            for (int r = 0; r < count; r++)
            {
                int k = (r >> 1) + (r & 1) * half;
                Span<int> row = destination.Slice(r * _m + firstOutput, outputs);
                for (int o = 0; o < row.Length; o++)
                {
                    row[o] = stage[o * b + k];
                }
            }
        }
    }
}
