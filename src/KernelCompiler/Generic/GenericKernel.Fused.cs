using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace KernelCompiler.Generic
{
    internal sealed partial class GenericKernel
    {
        /// <summary>
        /// The fused tile path: rows are taken one tile (one block: 64, 32 or 16 rows) at a time; the tile's codes of
        /// every codebook are encoded into a C × block byte tile on the stack (at most 16 KiB, so it stays in L1) and
        /// scanned at once for every output, so no chunk of codes is written ahead of the scan and read back later.
        /// The same width structs as the chunked path run both halves, so the two agree bit for bit. A last partial
        /// tile is encoded by scalar code, padded with code 0, and only its rows are written.
        /// </summary>
        /// <remarks>The model is data here (thresholds and tables are read from arrays), so this is the table-driven
        /// form of the fused encode + scan that the emitted kernels specialise per model.</remarks>
        [SkipLocalsInit]
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private unsafe void MultiplyTiles<TWidth, TVector, TLayout>(ReadOnlySpan<float> x, int rows, int start, int end, Span<int> destination,
            bool dequantize)
            where TWidth : struct, IWidth<TWidth, TVector>
            where TVector : struct
            where TLayout : struct, ILayout
        {
            int b = TWidth.Rows;
            bool columnMajor = TLayout.ColumnMajor;
            nint d = _d;
            byte* tile = stackalloc byte[_c * b];
            int* stage = stackalloc int[OutputChunk * b];
            // Each split column's offset from the tile's first value, computed once per call, not per tile.
            nint* columns = stackalloc nint[_c * 4];
            for (int i = 0; i < _c * 4; i++)
            {
                columns[i] = columnMajor ? (nint)_splits[i] * rows : _splits[i];
            }

            fixed (float* px = x)
            fixed (float* heap = _heap)
            fixed (int* pd = destination)
            {
                int row0 = start;
                for (; row0 + b <= end; row0 += b)
                {
                    float* first = px + (columnMajor ? row0 : row0 * d);
                    nint* split = columns;
                    for (int c = 0; c < _c; c++, split += 4)
                    {
                        TWidth.Tree(heap + c * 16).Encode<TLayout>(first + split[0], first + split[1], first + split[2], first + split[3], 0, d,
                            tile + c * b);
                    }

                    ScanBlock<TWidth, TVector>(tile, b, b, pd + (nint)(row0 - start) * _m, stage, dequantize);
                }

                if (row0 < end)
                {
                    int count = end - row0;
                    EncodeRowsScalar(x, rows, row0, 0, count, b, columnMajor, new Span<byte>(tile, _c * b), b);
                    ScanBlock<TWidth, TVector>(tile, b, count, pd + (nint)(row0 - start) * _m, stage, dequantize);
                }
            }
        }

        /// <summary>Rows <paramref name="start"/> .. <paramref name="end"/> − 1 by fused tiles, on this instance's
        /// vector path (never called for the scalar path).</summary>
        private void MultiplyTiles(ReadOnlySpan<float> x, int rows, int start, int end, Span<int> destination, bool columnMajor, bool dequantize)
        {
            switch (InstructionSet, columnMajor)
            {
                case (KernelInstructionSet.Avx512, true):
                    MultiplyTiles<Avx512Width, Vector512<byte>, ColumnMajorLayout>(x, rows, start, end, destination, dequantize);
                    break;
                case (KernelInstructionSet.Avx512, false):
                    MultiplyTiles<Avx512Width, Vector512<byte>, RowMajorLayout>(x, rows, start, end, destination, dequantize);
                    break;
                case (KernelInstructionSet.Avx2, true):
                    MultiplyTiles<Avx2Width, Vector256<byte>, ColumnMajorLayout>(x, rows, start, end, destination, dequantize);
                    break;
                case (KernelInstructionSet.Avx2, false):
                    MultiplyTiles<Avx2Width, Vector256<byte>, RowMajorLayout>(x, rows, start, end, destination, dequantize);
                    break;
                case (_, true):
                    MultiplyTiles<Vector128Width, Vector128<byte>, ColumnMajorLayout>(x, rows, start, end, destination, dequantize);
                    break;
                default:
                    MultiplyTiles<Vector128Width, Vector128<byte>, RowMajorLayout>(x, rows, start, end, destination, dequantize);
                    break;
            }
        }

        /// <summary>The integer sums S (average: G · U − bias) of every row of x by the fused tile path, or by the
        /// chunked path where this instance does not fuse: what tests compare with the reference's sums of the
        /// reference's codes.</summary>
        internal void MultiplySums(ReadOnlySpan<float> x, int rows, bool columnMajor, Span<int> sums)
        {
            if (x.Length < rows * _d || sums.Length < rows * _m)
            {
                throw new ArgumentException("x or sums is too short for " + rows + " rows.");
            }

            MultiplyRows(x, rows, 0, rows, sums, columnMajor, dequantize: false);
        }
    }
}
