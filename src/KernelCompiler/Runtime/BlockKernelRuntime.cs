using System;
using System.Buffers;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace KernelCompiler.Runtime
{
    /// <summary>
    /// The shape-independent half of the block paths (AVX-512, AVX2, 128-bit, scalar): the block loop, and moving
    /// input values, codes, sums and outputs between the caller's row-major spans and the steps' block layout (see
    /// <see cref="IBlockKernelSteps"/>). Generated kernels call it with a struct of their steps per path (so the JIT
    /// compiles one copy per path with direct calls); emitted kernels likewise, with a struct type they emit per path.
    /// Not meant to be called by hand.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class BlockKernelRuntime
    {
        /// <summary>A block's buffers (slots, codes, one output's sums) up to this size are on the stack; larger ones
        /// are rented from the shared array pool, so a warm call allocates nothing either way.</summary>
        public const int MaxStackBufferBytes = 32 * 1024;

        /// <summary>The bytes of one block's buffers: slots, codes and one output's sums.</summary>
        public static int BufferBytes(int blockRows, int slotCount, int codebooks)
            => blockRows * (slotCount * 4 + codebooks + 4);

        /// <summary>
        /// Runs whole blocks of <paramref name="steps"/> from row <paramref name="row"/> while a whole block is left and
        /// returns the first row not done (the caller's next, narrower path takes it from there).
        /// </summary>
        /// <param name="steps">The path's steps, which carry the model's shape and data.</param>
        /// <param name="operation">What to compute.</param>
        /// <param name="x">Input rows, N × D (column-major D × N where <paramref name="columnMajor"/>); for Encode and Multiply.</param>
        /// <param name="codesIn">Row-major codes, N × C, each below 16; for Aggregate and MultiplyCodes.</param>
        /// <param name="rows">N.</param>
        /// <param name="row">The first row to do.</param>
        /// <param name="columnMajor">Whether <paramref name="x"/> is column-major.</param>
        /// <param name="codes">Encode's destination, N × C.</param>
        /// <param name="sums">Aggregate's destination, N × M.</param>
        /// <param name="destination">Multiply's and MultiplyCodes' destination, N × M.</param>
        [SkipLocalsInit]
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static int Run<TSteps>(TSteps steps, KernelOperation operation,
            ReadOnlySpan<float> x, ReadOnlySpan<byte> codesIn, int rows, int row, bool columnMajor,
            Span<byte> codes, Span<int> sums, Span<float> destination)
            where TSteps : struct, IBlockKernelSteps
        {
            KernelRuntimeModel model = steps.Model;
            ArgumentNullException.ThrowIfNull(model, nameof(steps) + "." + nameof(steps.Model));
            int blockRows = steps.BlockRows;
            if (rows - row < blockRows)
            {
                return row;
            }

            int slotCount = model.SlotDimensions.Length * blockRows, blockBytes = model.Codebooks * blockRows;
            if (BufferBytes(blockRows, model.SlotDimensions.Length, model.Codebooks) <= MaxStackBufferBytes)
            {
                return Blocks(ref steps, model, operation, x, codesIn, rows, row, columnMajor, codes, sums, destination,
                    stackalloc float[slotCount], stackalloc byte[blockBytes], stackalloc int[blockRows]);
            }

            float[] rentedSlots = ArrayPool<float>.Shared.Rent(slotCount);
            byte[] rentedBlock = ArrayPool<byte>.Shared.Rent(blockBytes);
            try
            {
                return Blocks(ref steps, model, operation, x, codesIn, rows, row, columnMajor, codes, sums, destination,
                    rentedSlots.AsSpan(0, slotCount), rentedBlock.AsSpan(0, blockBytes), stackalloc int[blockRows]);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rentedBlock);
                ArrayPool<float>.Shared.Return(rentedSlots);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static int Blocks<TSteps>(ref TSteps steps, KernelRuntimeModel model, KernelOperation operation,
            ReadOnlySpan<float> x, ReadOnlySpan<byte> codesIn, int rows, int row, bool columnMajor,
            Span<byte> codes, Span<int> sums, Span<float> destination, Span<float> slots, Span<byte> block, Span<int> rowSums)
            where TSteps : struct, IBlockKernelSteps
        {
            int blockRows = steps.BlockRows, groupRows = steps.GroupRows;
            int c = model.Codebooks, m = model.OutputDimension;
            ref float slotsRef = ref MemoryMarshal.GetReference(slots);
            ref byte blockRef = ref MemoryMarshal.GetReference(block);
            ref int sumsRef = ref MemoryMarshal.GetReference(rowSums);
            ref byte tables = ref MemoryMarshal.GetArrayDataReference(model.Tables);
            bool fromCodes = operation == KernelOperation.Aggregate || operation == KernelOperation.MultiplyCodes;
            for (; row <= rows - blockRows; row += blockRows)
            {
                if (fromCodes)
                {
                    LoadCodes(codesIn, c, row, blockRows, block);
                }
                else
                {
                    GatherSlots(model, x, rows, row, blockRows, columnMajor, slots);
                    for (nint group = 0; group < blockRows; group += groupRows)
                    {
                        steps.EncodeGroup(ref slotsRef, ref blockRef, group);
                    }
                }

                if (operation == KernelOperation.Encode)
                {
                    StoreCodes(block, c, row, blockRows, codes);
                    continue;
                }

                for (int output = 0; output < m; output++)
                {
                    steps.AggregateBlock(ref blockRef, ref Unsafe.Add(ref tables, output * (c * 16)), ref sumsRef);
                    if (operation == KernelOperation.Aggregate)
                    {
                        StoreSums(rowSums, m, row, output, sums);
                    }
                    else
                    {
                        StoreOutputs(rowSums, m, row, output, model.Steps[output], model.Offsets[output], destination);
                    }
                }
            }

            return row;
        }

        // The block's values of each split dimension, column-major (slot s at s * count).
        private static void GatherSlots(KernelRuntimeModel model, ReadOnlySpan<float> x, int rows, int row, int count,
            bool columnMajor, Span<float> slots)
        {
            ReadOnlySpan<int> dimensions = model.SlotDimensions;
            int d = model.InputDimension;
            for (int s = 0; s < dimensions.Length; s++)
            {
                Span<float> slot = slots.Slice(s * count, count);
                if (columnMajor)
                {
                    x.Slice(dimensions[s] * rows + row, count).CopyTo(slot);
                }
                else
                {
                    for (int r = 0; r < slot.Length; r++)
                    {
                        slot[r] = x[(row + r) * d + dimensions[s]];
                    }
                }
            }
        }

        // Codes are row-major (N × C) outside and codebook-major (C × count) in a block.
        private static void LoadCodes(ReadOnlySpan<byte> codes, int c, int row, int count, Span<byte> block)
        {
            for (int r = 0; r < count; r++)
            {
                for (int i = 0; i < c; i++)
                {
                    block[i * count + r] = codes[(row + r) * c + i];
                }
            }
        }

        private static void StoreCodes(ReadOnlySpan<byte> block, int c, int row, int count, Span<byte> codes)
        {
            for (int r = 0; r < count; r++)
            {
                for (int i = 0; i < c; i++)
                {
                    codes[(row + r) * c + i] = block[i * count + r];
                }
            }
        }

        private static void StoreSums(ReadOnlySpan<int> rowSums, int m, int row, int output, Span<int> sums)
        {
            for (int r = 0; r < rowSums.Length; r++)
            {
                sums[(row + r) * m + output] = rowSums[r];
            }
        }

        // One fused multiply-add per value, as the reference does, so outputs agree bit for bit.
        private static void StoreOutputs(ReadOnlySpan<int> rowSums, int m, int row, int output, float step, float offset,
            Span<float> destination)
        {
            for (int r = 0; r < rowSums.Length; r++)
            {
                destination[(row + r) * m + output] = MathF.FusedMultiplyAdd(rowSums[r], step, offset);
            }
        }
    }
}
