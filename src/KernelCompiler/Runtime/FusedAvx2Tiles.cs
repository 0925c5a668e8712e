using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KernelCompiler.Runtime
{
    /// <summary>
    /// The shape-independent operations of the fused AVX2 path's steps (generated and emitted steps call them with the
    /// model's numbers as constants, so both backends run the same code): one codebook's tree walk over many tiles,
    /// the tables in the layout Scan reads, and the storing of a tile's 16-bit sums. Not meant to be called by hand.
    /// </summary>
    /// <remarks>
    /// The tree walk is the block paths' formulation (docs/algorithm.md §1): per level, the threshold of each row's node
    /// is picked with one vpermps from the level's eight lanes (<c>KernelPlan.ThresholdLanes</c>: node i of level l in
    /// lane i, padded with the level's last threshold; moved once per call to lane −i mod 8, since the walk counts nodes
    /// negatively to add compare masks as they are), and <c>node = 2 · node + (x &gt;= t)</c>; NaN compares false and
    /// goes left. Each call walks one codebook over all the tiles of a chunk, so its four split columns are read as
    /// long runs and its thresholds stay in registers across the tiles.
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class FusedAvx2Tiles
    {
        /// <summary>Encodes one codebook for <paramref name="tiles"/> tiles of column-major input. The split
        /// dimensions' values of row r of tile t are at <c>x[d<sub>l</sub> + 32 · t + r]</c> (each
        /// <paramref name="d0"/>..<paramref name="d3"/> already multiplied by the column stride); the tile's 32 codes go
        /// to <c>codes[t · codesPerTile + r]</c>.</summary>
        /// <param name="x">The first row of the first tile.</param>
        /// <param name="d0">Offset of the level-0 split column.</param>
        /// <param name="d1">Offset of the level-1 split column.</param>
        /// <param name="d2">Offset of the level-2 split column.</param>
        /// <param name="d3">Offset of the level-3 split column.</param>
        /// <param name="t0">The root's threshold.</param>
        /// <param name="l1">Level 1's thresholds in eight lanes.</param>
        /// <param name="l2">Level 2's thresholds in eight lanes.</param>
        /// <param name="l3">Level 3's thresholds in eight lanes.</param>
        /// <param name="codes">The codebook's codes of the first tile.</param>
        /// <param name="codesPerTile">Bytes from one tile's codes to the next's (C · 32).</param>
        /// <param name="tiles">How many tiles.</param>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void EncodeColumns(ref float x, nint d0, nint d1, nint d2, nint d3, float t0,
            Vector256<float> l1, Vector256<float> l2, Vector256<float> l3, ref byte codes, nint codesPerTile, nint tiles)
        {
            Vector256<float> root = Vector256.Create(t0);
            Vector256<int> order = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7);
            Negate(ref l1, ref l2, ref l3);
            for (nint t = 0; t < tiles; t++)
            {
                ref float tile = ref Unsafe.Add(ref x, t * 32);
                Vector256<int> n0 = Node(Vector256.LoadUnsafe(ref tile, (nuint)d0), Vector256.LoadUnsafe(ref tile, (nuint)d1),
                    Vector256.LoadUnsafe(ref tile, (nuint)d2), Vector256.LoadUnsafe(ref tile, (nuint)d3), root, l1, l2, l3);
                Vector256<int> n1 = Node(Vector256.LoadUnsafe(ref tile, (nuint)(d0 + 8)), Vector256.LoadUnsafe(ref tile, (nuint)(d1 + 8)),
                    Vector256.LoadUnsafe(ref tile, (nuint)(d2 + 8)), Vector256.LoadUnsafe(ref tile, (nuint)(d3 + 8)), root, l1, l2, l3);
                Vector256<int> n2 = Node(Vector256.LoadUnsafe(ref tile, (nuint)(d0 + 16)), Vector256.LoadUnsafe(ref tile, (nuint)(d1 + 16)),
                    Vector256.LoadUnsafe(ref tile, (nuint)(d2 + 16)), Vector256.LoadUnsafe(ref tile, (nuint)(d3 + 16)), root, l1, l2, l3);
                Vector256<int> n3 = Node(Vector256.LoadUnsafe(ref tile, (nuint)(d0 + 24)), Vector256.LoadUnsafe(ref tile, (nuint)(d1 + 24)),
                    Vector256.LoadUnsafe(ref tile, (nuint)(d2 + 24)), Vector256.LoadUnsafe(ref tile, (nuint)(d3 + 24)), root, l1, l2, l3);
                Narrow(n0, n1, n2, n3, order).StoreUnsafe(ref codes, (nuint)(t * codesPerTile));
            }
        }

        /// <summary>Encodes one codebook for <paramref name="tiles"/> tiles of row-major input (rows of
        /// <paramref name="inputDimension"/> floats; row r of tile t starts at <c>x[(32 · t + r) · D]</c>): as
        /// <see cref="EncodeColumns"/>, the split values of eight rows gathered lane by lane, reading only inside each row.</summary>
        /// <param name="x">The first row of the first tile.</param>
        /// <param name="inputDimension">D.</param>
        /// <param name="d0">The level-0 split dimension.</param>
        /// <param name="d1">The level-1 split dimension.</param>
        /// <param name="d2">The level-2 split dimension.</param>
        /// <param name="d3">The level-3 split dimension.</param>
        /// <param name="t0">The root's threshold.</param>
        /// <param name="l1">Level 1's thresholds in eight lanes.</param>
        /// <param name="l2">Level 2's thresholds in eight lanes.</param>
        /// <param name="l3">Level 3's thresholds in eight lanes.</param>
        /// <param name="codes">The codebook's codes of the first tile.</param>
        /// <param name="codesPerTile">Bytes from one tile's codes to the next's (C · 32).</param>
        /// <param name="tiles">How many tiles.</param>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void EncodeRows(ref float x, int inputDimension, nint d0, nint d1, nint d2, nint d3, float t0,
            Vector256<float> l1, Vector256<float> l2, Vector256<float> l3, ref byte codes, nint codesPerTile, nint tiles)
        {
            Vector256<float> root = Vector256.Create(t0);
            Vector256<int> order = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7);
            Negate(ref l1, ref l2, ref l3);
            nint rowFloats = inputDimension, groupFloats = 8 * rowFloats;
            for (nint t = 0; t < tiles; t++)
            {
                ref float tile = ref Unsafe.Add(ref x, t * 32 * rowFloats);
                ref float g1 = ref Unsafe.Add(ref tile, groupFloats);
                ref float g2 = ref Unsafe.Add(ref tile, 2 * groupFloats);
                ref float g3 = ref Unsafe.Add(ref tile, 3 * groupFloats);
                Vector256<int> n0 = Node(Gather(ref tile, d0, rowFloats), Gather(ref tile, d1, rowFloats),
                    Gather(ref tile, d2, rowFloats), Gather(ref tile, d3, rowFloats), root, l1, l2, l3);
                Vector256<int> n1 = Node(Gather(ref g1, d0, rowFloats), Gather(ref g1, d1, rowFloats),
                    Gather(ref g1, d2, rowFloats), Gather(ref g1, d3, rowFloats), root, l1, l2, l3);
                Vector256<int> n2 = Node(Gather(ref g2, d0, rowFloats), Gather(ref g2, d1, rowFloats),
                    Gather(ref g2, d2, rowFloats), Gather(ref g2, d3, rowFloats), root, l1, l2, l3);
                Vector256<int> n3 = Node(Gather(ref g3, d0, rowFloats), Gather(ref g3, d1, rowFloats),
                    Gather(ref g3, d2, rowFloats), Gather(ref g3, d3, rowFloats), root, l1, l2, l3);
                Narrow(n0, n1, n2, n3, order).StoreUnsafe(ref codes, (nuint)(t * codesPerTile));
            }
        }

        /// <summary>The tables [output][codebook][32] Scan reads: each 16-byte table twice, once per 128-bit lane, so
        /// a lookup's table is one load; copied to a 64-byte boundary.</summary>
        /// <param name="tables">The model's tables, [output][codebook][16].</param>
        public static AlignedBytes Tables(ReadOnlySpan<byte> tables)
        {
            var doubled = new byte[tables.Length * 2];
            for (int i = 0; i < tables.Length; i += 16)
            {
                tables.Slice(i, 16).CopyTo(doubled.AsSpan(2 * i));
                tables.Slice(i, 16).CopyTo(doubled.AsSpan(2 * i + 16));
            }

            return new AlignedBytes(doubled);
        }

        /// <summary>Adds one lookup's 32 bytes (row r at byte r) to the running 16-bit sums: <paramref name="all"/> adds
        /// each byte pair as one 16-bit number (even row + 256 · odd row, modulo 2^16) and <paramref name="odd"/> the
        /// odd rows alone; <see cref="StoreSums"/> separates them.</summary>
        /// <param name="all">Sums of every byte pair.</param>
        /// <param name="odd">Sums of the odd rows.</param>
        /// <param name="looked">The lookup's bytes.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Add(ref Vector256<ushort> all, ref Vector256<ushort> odd, Vector256<byte> looked)
        {
            all += looked.AsUInt16();
            odd += Vector256.ShiftRightLogical(looked.AsUInt16(), 8);
        }

        /// <summary>Stores one output's 32 sums as <c>(sum &lt;&lt; shift) − bias</c> modulo 2^16 (exact models: 0 and 0;
        /// average ones: log2 G and the bias correction of docs/algorithm.md §2), as sixteen 16-bit even rows then
        /// sixteen odd rows (<see cref="FusedAvx2KernelRuntime"/> widens them while it dequantises, adding the bias back
        /// to tell a negative sum from a large one). Exact while every row's <c>sum &lt;&lt; shift</c> is below 2^16
        /// (255 · C for both aggregations).</summary>
        /// <param name="all">Sums of every byte pair (see <see cref="Add"/>).</param>
        /// <param name="odd">Sums of the odd rows.</param>
        /// <param name="sums">The tile's sums.</param>
        /// <param name="offset">Where this output's sums start, in 32-bit units (32 of them, the 16-bit sums using the first half).</param>
        /// <param name="shift">log2 of the factor each sum is multiplied by.</param>
        /// <param name="bias">Subtracted from each scaled sum.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void StoreSums(Vector256<ushort> all, Vector256<ushort> odd, ref int sums, nint offset, int shift, int bias)
        {
            // Per 128-bit lane, word k of even is row 2k (16 + 2k) and of odd row 2k + 1 (17 + 2k).
            Vector256<ushort> even = all - Vector256.ShiftLeft(odd, 8);
            if (shift != 0 || bias != 0)
            {
                Vector256<ushort> b = Vector256.Create((ushort)bias);
                even = Vector256.ShiftLeft(even, shift) - b;
                odd = Vector256.ShiftLeft(odd, shift) - b;
            }

            ref ushort words = ref Unsafe.As<int, ushort>(ref Unsafe.Add(ref sums, offset));
            even.StoreUnsafe(ref words);
            odd.StoreUnsafe(ref words, 16);
        }

        /// <summary>Minus the code (−15..0) of eight rows: four levels of <c>node = 2 · node − (x &gt;= t[node])</c>,
        /// the compare's all-ones mask (−1) added as it is, so no level needs a negation; the level's thresholds must be
        /// in the lanes <see cref="Negate"/> puts them in (node j in lane −j mod 8; vpermps reads the low three bits).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<int> Node(Vector256<float> x0, Vector256<float> x1, Vector256<float> x2, Vector256<float> x3,
            Vector256<float> root, Vector256<float> l1, Vector256<float> l2, Vector256<float> l3)
        {
            // Written threshold-first (t <= x, the same decision: false for NaN), so each value's load can fold into its compare.
            Vector256<int> node = Vector256.LessThanOrEqual(root, x0).AsInt32();
            node = node + node + Vector256.LessThanOrEqual(Avx2.PermuteVar8x32(l1, node), x1).AsInt32();
            node = node + node + Vector256.LessThanOrEqual(Avx2.PermuteVar8x32(l2, node), x2).AsInt32();
            return node + node + Vector256.LessThanOrEqual(Avx2.PermuteVar8x32(l3, node), x3).AsInt32();
        }

        /// <summary>Moves each level's thresholds from node j in lane j (<c>KernelPlan.ThresholdLanes</c>) to lane −j mod 8,
        /// where <see cref="Node"/>'s negative node numbers pick them.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Negate(ref Vector256<float> l1, ref Vector256<float> l2, ref Vector256<float> l3)
        {
            Vector256<int> negated = Vector256.Create(0, 7, 6, 5, 4, 3, 2, 1);
            l1 = Avx2.PermuteVar8x32(l1, negated);
            l2 = Avx2.PermuteVar8x32(l2, negated);
            l3 = Avx2.PermuteVar8x32(l3, negated);
        }

        /// <summary>Four vectors of eight negated codes (rows 0..7, 8..15, 16..23, 24..31, from <see cref="Node"/>) into 32
        /// codes in row order: two packs interleave the 128-bit lanes, one dword permute puts them back, one subtraction
        /// from zero negates all 32.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<byte> Narrow(Vector256<int> n0, Vector256<int> n1, Vector256<int> n2, Vector256<int> n3, Vector256<int> order)
            => Vector256<byte>.Zero - Avx2.PermuteVar8x32(Avx2.PackSignedSaturate(Avx2.PackSignedSaturate(n0, n1), Avx2.PackSignedSaturate(n2, n3)).AsInt32(), order).AsByte();

        /// <summary>Dimension <paramref name="d"/> of eight rows, <paramref name="rowFloats"/> apart.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> Gather(ref float row, nint d, nint rowFloats)
            => Vector256.Create(Unsafe.Add(ref row, d), Unsafe.Add(ref row, rowFloats + d), Unsafe.Add(ref row, 2 * rowFloats + d),
                Unsafe.Add(ref row, 3 * rowFloats + d), Unsafe.Add(ref row, 4 * rowFloats + d), Unsafe.Add(ref row, 5 * rowFloats + d),
                Unsafe.Add(ref row, 6 * rowFloats + d), Unsafe.Add(ref row, 7 * rowFloats + d));
    }
}
