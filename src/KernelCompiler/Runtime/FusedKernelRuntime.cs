using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KernelCompiler.Runtime
{
    /// <summary>
    /// The shape-independent half of the fused AVX-512 VBMI path: the tile loop, and moving codes, sums and outputs
    /// between the caller's row-major spans and the steps' tile layout (see <see cref="IFusedKernelSteps"/>). Generated
    /// kernels call it with a struct of their steps (so the JIT compiles one copy per kernel with direct calls);
    /// emitted kernels with a struct of delegates. Not meant to be called by hand.
    /// </summary>
    /// <remarks>
    /// Each method runs whole tiles of 16 rows and returns how many rows it did (a multiple of 16, or 0 where the
    /// CPU lacks AVX-512 VBMI); the caller finishes the rest on its other paths. Tiles are processed a chunk at a
    /// time (up to 4 tiles, so a chunk's codes and sums stay in L1); all scratch is on the stack; nothing is
    /// allocated. Reads and writes stay inside the spans: the arguments are checked once here as well as by the
    /// caller, because this type is public.
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class FusedKernelRuntime
    {
        /// <summary>Rows per tile.</summary>
        public const int TileRows = 16;

        /// <summary>The largest C the fused path supports (G = C / 4 groups of 16 dwords per tile).</summary>
        public const int MaxCodebooks = 128;

        /// <summary>The largest M the fused path supports (a tile's sums are M · 64 bytes of stack).</summary>
        public const int MaxOutputs = 1024;

        /// <summary>Whether this CPU runs the fused path: AVX-512 F, BW and VBMI (vpermb).</summary>
        public static bool IsSupported => Avx512Vbmi.IsSupported && Avx512BW.IsSupported && Avx512F.IsSupported;

        /// <summary>Groups of four codebooks: G = ⌈C / 4⌉.</summary>
        public static int Groups(int codebooks) => (codebooks + 3) / 4;

        private static int TilesPerChunk(int outputs) => outputs <= 64 ? 4 : 1;

        /// <summary>Encodes whole tiles into row-major codes (N × C).</summary>
        [SkipLocalsInit]
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static unsafe int Encode<TSteps>(TSteps steps, int inputDimension, int codebooks, ReadOnlySpan<float> x,
            int rows, bool columnMajor, Span<byte> codes)
            where TSteps : struct, IFusedKernelSteps
        {
            CheckShape(inputDimension, codebooks, 1);
            CheckLength(x.Length, (long)rows * inputDimension, nameof(x));
            CheckLength(codes.Length, (long)rows * codebooks, nameof(codes));
            if (!IsSupported || rows < TileRows)
            {
                return 0;
            }

            int g = Groups(codebooks);
            const int chunkTiles = 4;
            uint* packed = stackalloc uint[chunkTiles * g * TileRows];
            int done = rows / TileRows * TileRows;
            fixed (float* px = x)
            fixed (byte* pc = codes)
            {
                for (int row0 = 0; row0 < done; row0 += chunkTiles * TileRows)
                {
                    int tiles = Math.Min(chunkTiles, (done - row0) / TileRows);
                    EncodeChunk(ref steps, px, inputDimension, rows, row0, columnMajor, packed, tiles);
                    for (int t = 0; t < tiles; t++)
                    {
                        StoreCodes(packed + t * g * TileRows, codebooks, pc + (nint)(row0 + t * TileRows) * codebooks);
                    }
                }
            }

            return done;
        }

        /// <summary>Exact sums (N × M) of whole tiles of row-major codes (N × C, each below 16).</summary>
        [SkipLocalsInit]
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static unsafe int Aggregate<TSteps>(TSteps steps, int codebooks, int outputs, ReadOnlySpan<byte> codes,
            int rows, Span<int> sums)
            where TSteps : struct, IFusedKernelSteps
        {
            CheckShape(1, codebooks, outputs);
            CheckLength(codes.Length, (long)rows * codebooks, nameof(codes));
            CheckLength(sums.Length, (long)rows * outputs, nameof(sums));
            return FromCodes(ref steps, codebooks, outputs, codes, rows, MemoryMarshal.Cast<int, float>(sums), default, default, dequantize: false);
        }

        /// <summary>Outputs (N × M), one fused multiply-add each, of whole tiles of row-major codes.</summary>
        [SkipLocalsInit]
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static unsafe int MultiplyCodes<TSteps>(TSteps steps, int codebooks, int outputs, ReadOnlySpan<byte> codes,
            int rows, ReadOnlySpan<float> step, ReadOnlySpan<float> offset, Span<float> destination)
            where TSteps : struct, IFusedKernelSteps
        {
            CheckShape(1, codebooks, outputs);
            CheckLength(codes.Length, (long)rows * codebooks, nameof(codes));
            CheckLength(step.Length, outputs, nameof(step));
            CheckLength(offset.Length, outputs, nameof(offset));
            CheckLength(destination.Length, (long)rows * outputs, nameof(destination));
            return FromCodes(ref steps, codebooks, outputs, codes, rows, destination, step, offset, dequantize: true);
        }

        /// <summary>Outputs (N × M) of whole tiles of input rows: encode, scan and dequantise per chunk, so codes and
        /// sums never leave L1.</summary>
        [SkipLocalsInit]
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static unsafe int Multiply<TSteps>(TSteps steps, int inputDimension, int codebooks, int outputs,
            ReadOnlySpan<float> x, int rows, bool columnMajor, ReadOnlySpan<float> step, ReadOnlySpan<float> offset,
            Span<float> destination)
            where TSteps : struct, IFusedKernelSteps
        {
            CheckShape(inputDimension, codebooks, outputs);
            CheckLength(x.Length, (long)rows * inputDimension, nameof(x));
            CheckLength(step.Length, outputs, nameof(step));
            CheckLength(offset.Length, outputs, nameof(offset));
            CheckLength(destination.Length, (long)rows * outputs, nameof(destination));
            if (!IsSupported || rows < TileRows)
            {
                return 0;
            }

            int g = Groups(codebooks);
            int chunkTiles = TilesPerChunk(outputs);
            uint* packed = stackalloc uint[chunkTiles * g * TileRows];
            int* sums = stackalloc int[chunkTiles * outputs * TileRows];
            int done = rows / TileRows * TileRows;
            fixed (float* px = x)
            fixed (float* pd = destination)
            fixed (float* ps = step)
            fixed (float* po = offset)
            {
                for (int row0 = 0; row0 < done; row0 += chunkTiles * TileRows)
                {
                    int tiles = Math.Min(chunkTiles, (done - row0) / TileRows);
                    EncodeChunk(ref steps, px, inputDimension, rows, row0, columnMajor, packed, tiles);
                    steps.Scan(ref *packed, ref *sums, tiles);
                    for (int t = 0; t < tiles; t++)
                    {
                        StoreRows(sums + t * outputs * TileRows, outputs, (int*)pd + (nint)(row0 + t * TileRows) * outputs, ps, po, dequantize: true);
                    }
                }
            }

            return done;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void EncodeChunk<TSteps>(ref TSteps steps, float* x, int inputDimension, int rows, int row0,
            bool columnMajor, uint* packed, int tiles)
            where TSteps : struct, IFusedKernelSteps
        {
            if (columnMajor)
            {
                steps.EncodeColumns(ref x[row0], rows, ref *packed, tiles);
            }
            else
            {
                steps.EncodeRows(ref x[(nint)row0 * inputDimension], ref *packed, tiles);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe int FromCodes<TSteps>(ref TSteps steps, int codebooks, int outputs, ReadOnlySpan<byte> codes,
            int rows, Span<float> destination, ReadOnlySpan<float> step, ReadOnlySpan<float> offset, bool dequantize)
            where TSteps : struct, IFusedKernelSteps
        {
            if (!IsSupported || rows < TileRows)
            {
                return 0;
            }

            int g = Groups(codebooks);
            int chunkTiles = TilesPerChunk(outputs);
            uint* packed = stackalloc uint[chunkTiles * g * TileRows];
            int* sums = stackalloc int[chunkTiles * outputs * TileRows];
            int done = rows / TileRows * TileRows;
            fixed (byte* pc = codes)
            fixed (float* pd = destination)
            fixed (float* ps = step)
            fixed (float* po = offset)
            {
                for (int row0 = 0; row0 < done; row0 += chunkTiles * TileRows)
                {
                    int tiles = Math.Min(chunkTiles, (done - row0) / TileRows);
                    for (int t = 0; t < tiles; t++)
                    {
                        LoadCodes(pc + (nint)(row0 + t * TileRows) * codebooks, codebooks, packed + t * g * TileRows);
                    }

                    steps.Scan(ref *packed, ref *sums, tiles);
                    for (int t = 0; t < tiles; t++)
                    {
                        StoreRows(sums + t * outputs * TileRows, outputs, (int*)pd + (nint)(row0 + t * TileRows) * outputs, ps, po, dequantize);
                    }
                }
            }

            return done;
        }

        /// <summary>A tile's sums ([m][16]) into 16 row-major rows of M values: dequantised with one fused
        /// multiply-add each (the same rounding as <see cref="MathF.FusedMultiplyAdd"/>) or left as integers,
        /// transposed 16 outputs at a time and written with masked stores.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void StoreRows(int* sums, int outputs, int* destination, float* step, float* offset, bool dequantize)
        {
            Tile tile = default;
            for (int m0 = 0; m0 < outputs; m0 += 16)
            {
                int count = Math.Min(16, outputs - m0);
                for (int k = 0; k < 16; k++)
                {
                    if (k >= count)
                    {
                        tile[k] = Vector512<int>.Zero;
                        continue;
                    }

                    Vector512<int> s = Vector512.Load(sums + (m0 + k) * TileRows);
                    tile[k] = dequantize
                        ? Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(s), Vector512.Create(step[m0 + k]), Vector512.Create(offset[m0 + k])).AsInt32()
                        : s;
                }

                Transpose(ref tile);
                Vector512<int> mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count));
                int* row = destination + m0;
                for (int r = 0; r < TileRows; r++, row += outputs)
                {
                    Avx512F.MaskStore(row, mask, tile[r]);
                }
            }
        }

        /// <summary>A tile's packed codes ([g][16] dwords) into 16 rows of C code bytes (the group offsets 16 · j
        /// stripped).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void StoreCodes(uint* packed, int codebooks, byte* codes)
        {
            Tile tile = default;
            int groups = Groups(codebooks);
            for (int g0 = 0; g0 < groups; g0 += 16)
            {
                for (int k = 0; k < 16; k++)
                {
                    tile[k] = g0 + k < groups ? Vector512.Load((int*)packed + (g0 + k) * TileRows) & Vector512.Create(0x0F0F0F0F) : Vector512<int>.Zero;
                }

                Transpose(ref tile);
                int bytes = Math.Min(64, codebooks - g0 * 4);
                Vector512<byte> mask = Vector512.LessThan(Vector512<byte>.Indices, Vector512.Create((byte)bytes));
                byte* row = codes + g0 * 4;
                for (int r = 0; r < TileRows; r++, row += codebooks)
                {
                    Avx512BW.MaskStore(row, mask, tile[r].AsByte());
                }
            }
        }

        /// <summary>16 rows of C code bytes into a tile's packed codes, adding the group offsets.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void LoadCodes(byte* codes, int codebooks, uint* packed)
        {
            Tile tile = default;
            int groups = Groups(codebooks);
            for (int g0 = 0; g0 < groups; g0 += 16)
            {
                int bytes = Math.Min(64, codebooks - g0 * 4);
                Vector512<byte> mask = Vector512.LessThan(Vector512<byte>.Indices, Vector512.Create((byte)bytes));
                byte* row = codes + g0 * 4;
                for (int r = 0; r < TileRows; r++, row += codebooks)
                {
                    tile[r] = Avx512BW.MaskLoad(row, mask, Vector512<byte>.Zero).AsInt32();
                }

                Transpose(ref tile);
                int count = Math.Min(16, groups - g0);
                for (int k = 0; k < count; k++)
                {
                    (tile[k] | Vector512.Create(0x30201000)).Store((int*)packed + (g0 + k) * TileRows);
                }
            }
        }

        /// <summary>Transposes a 16 × 16 tile of dwords in place: four rounds of two-source permutes, round d swapping
        /// the off-diagonal d × d blocks of every 2d × 2d block.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Transpose(ref Tile tile)
        {
            Round(ref tile, 8, Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23),
                Vector512.Create(8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31));
            Round(ref tile, 4, Vector512.Create(0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27),
                Vector512.Create(4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31));
            Round(ref tile, 2, Vector512.Create(0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29),
                Vector512.Create(2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31));
            Round(ref tile, 1, Vector512.Create(0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30),
                Vector512.Create(1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Round(ref Tile tile, int d, Vector512<int> low, Vector512<int> high)
        {
            for (int i = 0; i < 16; i++)
            {
                if ((i & d) != 0)
                {
                    continue;
                }

                Vector512<int> a = tile[i], b = tile[i + d];
                tile[i] = Avx512F.PermuteVar16x32x2(a, low, b);
                tile[i + d] = Avx512F.PermuteVar16x32x2(a, high, b);
            }
        }

        private static void CheckShape(int inputDimension, int codebooks, int outputs)
        {
            if (inputDimension < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(inputDimension), inputDimension, "Must be at least 1.");
            }

            if (codebooks < 1 || codebooks > MaxCodebooks)
            {
                throw new ArgumentOutOfRangeException(nameof(codebooks), codebooks, "Must be 1 to " + MaxCodebooks + ".");
            }

            if (outputs < 1 || outputs > MaxOutputs)
            {
                throw new ArgumentOutOfRangeException(nameof(outputs), outputs, "Must be 1 to " + MaxOutputs + ".");
            }
        }

        private static void CheckLength(int length, long required, string name)
        {
            if (length < required)
            {
                throw new ArgumentException("Needs at least " + required + " elements; has " + length + ".", name);
            }
        }

        [InlineArray(16)]
        private struct Tile
        {
            private Vector512<int> _element;
        }
    }
}
