using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace KernelCompiler.Runtime
{
    /// <summary>
    /// The shape-independent operations of the fused 128-bit path's steps (generated and emitted steps call them with the
    /// model's numbers as constants, so both backends run the same code): one codebook's tree walk over many tiles, the
    /// byte lookup and rounding average, the 16-bit sums and their store. The few operations that differ between x86
    /// (SSSE3, SSE4.1) and Arm64 (AdvSimd) are here, each behind a CPU test the JIT folds, so both share one tile loop.
    /// Not meant to be called by hand.
    /// </summary>
    /// <remarks>
    /// The tree walk is the block paths' formulation (docs/algorithm.md §1): <c>node = 2 · node + (x &gt;= t)</c>, NaN
    /// compares false and goes left, the compare masks (−1) added as they are so the node is counted negatively. A
    /// level's threshold per row is picked from its nodes' thresholds by the node so far: where the CPU has AVX (x86),
    /// with vpermilps, which picks one of four lanes by the low two bits of each lane's node (level 3: two of them
    /// and a blend on the root's mask); elsewhere (SSSE3 without AVX, Arm64) by a select tree on the earlier levels'
    /// masks (one select at level 1, three at level 2, seven at level 3). Each call walks one codebook over all the tiles of a chunk, so its four split columns are read as long runs
    /// and its thresholds are broadcast once per call.
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class FusedVector128Tiles
    {
        /// <summary>Encodes one codebook for <paramref name="tiles"/> tiles of column-major input. The split
        /// dimensions' values of row r of tile t are at <c>x[d<sub>l</sub> + 16 · t + r]</c> (each
        /// <paramref name="d0"/>..<paramref name="d3"/> already multiplied by the column stride); the tile's 16 codes go
        /// to <c>codes[t · codesPerTile + r]</c>.</summary>
        /// <param name="x">The first row of the first tile.</param>
        /// <param name="d0">Offset of the level-0 split column.</param>
        /// <param name="d1">Offset of the level-1 split column.</param>
        /// <param name="d2">Offset of the level-2 split column.</param>
        /// <param name="d3">Offset of the level-3 split column.</param>
        /// <param name="t0">The root's threshold.</param>
        /// <param name="l1">Level 1's two thresholds in lanes 0 and 1.</param>
        /// <param name="l2">Level 2's four thresholds.</param>
        /// <param name="l3Low">Level 3's thresholds of nodes 0..3.</param>
        /// <param name="l3High">Level 3's thresholds of nodes 4..7.</param>
        /// <param name="codes">The codebook's codes of the first tile.</param>
        /// <param name="codesPerTile">Bytes from one tile's codes to the next's (C · 16).</param>
        /// <param name="tiles">How many tiles.</param>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void EncodeColumns(ref float x, nint d0, nint d1, nint d2, nint d3, float t0,
            Vector128<float> l1, Vector128<float> l2, Vector128<float> l3Low, Vector128<float> l3High, ref byte codes, nint codesPerTile, nint tiles)
        {
            var levels = new Levels(t0, l1, l2, l3Low, l3High);
            for (nint t = 0; t < tiles; t++)
            {
                ref float tile = ref Unsafe.Add(ref x, t * 16);
                Vector128<int> n0 = levels.Node(Vector128.LoadUnsafe(ref tile, (nuint)d0), Vector128.LoadUnsafe(ref tile, (nuint)d1),
                    Vector128.LoadUnsafe(ref tile, (nuint)d2), Vector128.LoadUnsafe(ref tile, (nuint)d3));
                Vector128<int> n1 = levels.Node(Vector128.LoadUnsafe(ref tile, (nuint)(d0 + 4)), Vector128.LoadUnsafe(ref tile, (nuint)(d1 + 4)),
                    Vector128.LoadUnsafe(ref tile, (nuint)(d2 + 4)), Vector128.LoadUnsafe(ref tile, (nuint)(d3 + 4)));
                Vector128<int> n2 = levels.Node(Vector128.LoadUnsafe(ref tile, (nuint)(d0 + 8)), Vector128.LoadUnsafe(ref tile, (nuint)(d1 + 8)),
                    Vector128.LoadUnsafe(ref tile, (nuint)(d2 + 8)), Vector128.LoadUnsafe(ref tile, (nuint)(d3 + 8)));
                Vector128<int> n3 = levels.Node(Vector128.LoadUnsafe(ref tile, (nuint)(d0 + 12)), Vector128.LoadUnsafe(ref tile, (nuint)(d1 + 12)),
                    Vector128.LoadUnsafe(ref tile, (nuint)(d2 + 12)), Vector128.LoadUnsafe(ref tile, (nuint)(d3 + 12)));
                Narrow(n0, n1, n2, n3).StoreUnsafe(ref codes, (nuint)(t * codesPerTile));
            }
        }

        /// <summary>Encodes one codebook for <paramref name="tiles"/> tiles of row-major input (rows of
        /// <paramref name="inputDimension"/> floats; row r of tile t starts at <c>x[(16 · t + r) · D]</c>): as
        /// <see cref="EncodeColumns"/>, the split values of four rows gathered lane by lane, reading only inside each row.</summary>
        /// <param name="x">The first row of the first tile.</param>
        /// <param name="inputDimension">D.</param>
        /// <param name="d0">The level-0 split dimension.</param>
        /// <param name="d1">The level-1 split dimension.</param>
        /// <param name="d2">The level-2 split dimension.</param>
        /// <param name="d3">The level-3 split dimension.</param>
        /// <param name="t0">The root's threshold.</param>
        /// <param name="l1">Level 1's two thresholds in lanes 0 and 1.</param>
        /// <param name="l2">Level 2's four thresholds.</param>
        /// <param name="l3Low">Level 3's thresholds of nodes 0..3.</param>
        /// <param name="l3High">Level 3's thresholds of nodes 4..7.</param>
        /// <param name="codes">The codebook's codes of the first tile.</param>
        /// <param name="codesPerTile">Bytes from one tile's codes to the next's (C · 16).</param>
        /// <param name="tiles">How many tiles.</param>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void EncodeRows(ref float x, int inputDimension, nint d0, nint d1, nint d2, nint d3, float t0,
            Vector128<float> l1, Vector128<float> l2, Vector128<float> l3Low, Vector128<float> l3High, ref byte codes, nint codesPerTile, nint tiles)
        {
            var levels = new Levels(t0, l1, l2, l3Low, l3High);
            nint rowFloats = inputDimension, groupFloats = 4 * rowFloats;
            for (nint t = 0; t < tiles; t++)
            {
                ref float tile = ref Unsafe.Add(ref x, t * 16 * rowFloats);
                ref float g1 = ref Unsafe.Add(ref tile, groupFloats);
                ref float g2 = ref Unsafe.Add(ref tile, 2 * groupFloats);
                ref float g3 = ref Unsafe.Add(ref tile, 3 * groupFloats);
                Vector128<int> n0 = levels.Node(Gather(ref tile, d0, rowFloats), Gather(ref tile, d1, rowFloats),
                    Gather(ref tile, d2, rowFloats), Gather(ref tile, d3, rowFloats));
                Vector128<int> n1 = levels.Node(Gather(ref g1, d0, rowFloats), Gather(ref g1, d1, rowFloats),
                    Gather(ref g1, d2, rowFloats), Gather(ref g1, d3, rowFloats));
                Vector128<int> n2 = levels.Node(Gather(ref g2, d0, rowFloats), Gather(ref g2, d1, rowFloats),
                    Gather(ref g2, d2, rowFloats), Gather(ref g2, d3, rowFloats));
                Vector128<int> n3 = levels.Node(Gather(ref g3, d0, rowFloats), Gather(ref g3, d1, rowFloats),
                    Gather(ref g3, d2, rowFloats), Gather(ref g3, d3, rowFloats));
                Narrow(n0, n1, n2, n3).StoreUnsafe(ref codes, (nuint)(t * codesPerTile));
            }
        }

        /// <summary>The tables [output][codebook][16] Scan reads (the model's own layout), copied to a 64-byte boundary.</summary>
        /// <param name="tables">The model's tables, [output][codebook][16].</param>
        /// <returns>The aligned copy.</returns>
        public static AlignedBytes Tables(ReadOnlySpan<byte> tables) => new AlignedBytes(tables);

        /// <summary>Byte i of the result is byte <c>codes[i]</c> of <paramref name="table"/> (codes below 16): pshufb on
        /// x86, tbl on Arm64.</summary>
        /// <param name="table">A codebook's 16-entry table.</param>
        /// <param name="codes">A tile's codes of that codebook.</param>
        /// <returns>The looked-up bytes, row r at byte r.</returns>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<byte> Lookup(Vector128<byte> table, Vector128<byte> codes)
        {
            if (Ssse3.IsSupported)
            {
                return Ssse3.Shuffle(table, codes);
            }

            if (AdvSimd.Arm64.IsSupported)
            {
                return AdvSimd.Arm64.VectorTableLookup(table, codes);
            }

            return Vector128.Shuffle(table, codes);
        }

        /// <summary>The rounding average <c>(a + b + 1) &gt;&gt; 1</c> of each byte pair: pavgb on x86, urhadd on Arm64.</summary>
        /// <param name="left">The first bytes.</param>
        /// <param name="right">The second bytes.</param>
        /// <returns>The averages.</returns>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<byte> Average(Vector128<byte> left, Vector128<byte> right)
        {
            if (Sse2.IsSupported)
            {
                return Sse2.Average(left, right);
            }

            if (AdvSimd.IsSupported)
            {
                return AdvSimd.FusedAddRoundedHalving(left, right);
            }

            // (a | b) − ((a ^ b) >> 1) is the rounding average without a carry out of the byte.
            return (left | right) - Vector128.ShiftRightLogical(left ^ right, 1);
        }

        /// <summary>Adds one lookup's 16 bytes (row r at byte r) to the running 16-bit sums: <paramref name="all"/> adds
        /// each byte pair as one 16-bit number (even row + 256 · odd row, modulo 2^16) and <paramref name="odd"/> the
        /// odd rows alone (usra on Arm64: shift and add in one); <see cref="StoreSums"/> separates them.</summary>
        /// <param name="all">Sums of every byte pair.</param>
        /// <param name="odd">Sums of the odd rows.</param>
        /// <param name="looked">The lookup's bytes.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Add(ref Vector128<ushort> all, ref Vector128<ushort> odd, Vector128<byte> looked)
        {
            all += looked.AsUInt16();
            odd = AdvSimd.IsSupported
                ? AdvSimd.ShiftRightLogicalAdd(odd, looked.AsUInt16(), 8)
                : odd + Vector128.ShiftRightLogical(looked.AsUInt16(), 8);
        }

        /// <summary>Stores one output's 16 sums as <c>(sum &lt;&lt; shift) − bias</c> modulo 2^16 (exact models: 0 and 0;
        /// average ones: log2 G and the bias correction of docs/algorithm.md §2), as eight 16-bit even rows then eight odd
        /// rows (<see cref="FusedVector128KernelRuntime"/> widens them while it dequantises, adding the bias back to tell
        /// a negative sum from a large one). Exact while every row's <c>sum &lt;&lt; shift</c> is below 2^16 (255 · C for
        /// both aggregations).</summary>
        /// <param name="all">Sums of every byte pair (see <see cref="Add"/>).</param>
        /// <param name="odd">Sums of the odd rows.</param>
        /// <param name="sums">The tile's sums.</param>
        /// <param name="offset">Where this output's 16 words start.</param>
        /// <param name="shift">log2 of the factor each sum is multiplied by.</param>
        /// <param name="bias">Subtracted from each scaled sum.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void StoreSums(Vector128<ushort> all, Vector128<ushort> odd, ref ushort sums, nint offset, int shift, int bias)
        {
            // Word k of even is row 2k, of odd row 2k + 1.
            Vector128<ushort> even = all - Vector128.ShiftLeft(odd, 8);
            if (shift != 0 || bias != 0)
            {
                Vector128<ushort> b = Vector128.Create((ushort)bias);
                even = Vector128.ShiftLeft(even, shift) - b;
                odd = Vector128.ShiftLeft(odd, shift) - b;
            }

            ref ushort words = ref Unsafe.Add(ref sums, offset);
            even.StoreUnsafe(ref words);
            odd.StoreUnsafe(ref words, 8);
        }

        /// <summary>Picks <paramref name="ifTrue"/> where <paramref name="mask"/> (a compare's all-ones or zero lanes) is
        /// set: blendvps with SSE4.1, bsl on Arm64, and/andnot/or otherwise.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<float> Select(Vector128<float> mask, Vector128<float> ifTrue, Vector128<float> ifFalse)
        {
            if (Sse41.IsSupported)
            {
                return Sse41.BlendVariable(ifFalse, ifTrue, mask);
            }

            if (AdvSimd.IsSupported)
            {
                return AdvSimd.BitwiseSelect(mask, ifTrue, ifFalse);
            }

            return Vector128.ConditionalSelect(mask, ifTrue, ifFalse);
        }

        /// <summary>Four vectors of four negated codes (rows 0..3, 4..7, 8..11, 12..15) into 16 codes in row order.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<byte> Narrow(Vector128<int> n0, Vector128<int> n1, Vector128<int> n2, Vector128<int> n3)
        {
            Vector128<sbyte> packed = Sse2.IsSupported
                ? Sse2.PackSignedSaturate(Sse2.PackSignedSaturate(n0, n1), Sse2.PackSignedSaturate(n2, n3))
                : Vector128.Narrow(Vector128.Narrow(n0, n1), Vector128.Narrow(n2, n3));
            return (Vector128<sbyte>.Zero - packed).AsByte();
        }

        /// <summary>Dimension <paramref name="d"/> of four rows, <paramref name="rowFloats"/> apart.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<float> Gather(ref float row, nint d, nint rowFloats)
            => Vector128.Create(Unsafe.Add(ref row, d), Unsafe.Add(ref row, rowFloats + d), Unsafe.Add(ref row, 2 * rowFloats + d),
                Unsafe.Add(ref row, 3 * rowFloats + d));

        /// <summary>One codebook's thresholds: with AVX, each level's four lanes moved to where the negative node picks
        /// them (<see cref="Negated"/>); otherwise each node's broadcast to every lane, once per call.</summary>
        private readonly struct Levels
        {
            private readonly Vector128<float> _root, _a0, _a1, _b0, _b1, _b2, _b3, _c0, _c1, _c2, _c3, _c4, _c5, _c6, _c7;

            public Levels(float t0, Vector128<float> l1, Vector128<float> l2, Vector128<float> l3Low, Vector128<float> l3High)
            {
                _root = Vector128.Create(t0);
                if (Avx.IsSupported)
                {
                    // Only these four are read on this branch; the rest stay zero.
                    _a0 = Negated(l1);
                    _b0 = Negated(l2);
                    _c0 = Negated(l3Low);
                    _c4 = Negated(l3High);
                    return;
                }

                _a0 = Vector128.Create(l1.GetElement(0));
                _a1 = Vector128.Create(l1.GetElement(1));
                _b0 = Vector128.Create(l2.GetElement(0));
                _b1 = Vector128.Create(l2.GetElement(1));
                _b2 = Vector128.Create(l2.GetElement(2));
                _b3 = Vector128.Create(l2.GetElement(3));
                _c0 = Vector128.Create(l3Low.GetElement(0));
                _c1 = Vector128.Create(l3Low.GetElement(1));
                _c2 = Vector128.Create(l3Low.GetElement(2));
                _c3 = Vector128.Create(l3Low.GetElement(3));
                _c4 = Vector128.Create(l3High.GetElement(0));
                _c5 = Vector128.Create(l3High.GetElement(1));
                _c6 = Vector128.Create(l3High.GetElement(2));
                _c7 = Vector128.Create(l3High.GetElement(3));
            }

            /// <summary>Minus the code (−15..0) of four rows: each level's compare mask (−1 where x &gt;= t) picks the
            /// next level's threshold and is added to twice the node so far as it is.</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public Vector128<int> Node(Vector128<float> x0, Vector128<float> x1, Vector128<float> x2, Vector128<float> x3)
            {
                // Written threshold-first (t <= x, the same decision: false for NaN), so each value's load can fold into its compare.
                Vector128<float> m0 = Vector128.LessThanOrEqual(_root, x0);
                if (Avx.IsSupported)
                {
                    // node = −j for node j of the level; vpermilps reads its low two bits, lane −j mod 4 (Negated).
                    Vector128<int> n = m0.AsInt32();
                    n = n + n + Vector128.LessThanOrEqual(Avx.PermuteVar(_a0, n), x1).AsInt32();
                    n = n + n + Vector128.LessThanOrEqual(Avx.PermuteVar(_b0, n), x2).AsInt32();
                    // Level 3's nodes 0..3 and 4..7 (node ≥ 4 where the root's mask is set): two permutes and a blend.
                    Vector128<float> t = Select(m0, Avx.PermuteVar(_c4, n), Avx.PermuteVar(_c0, n));
                    return n + n + Vector128.LessThanOrEqual(t, x3).AsInt32();
                }

                Vector128<float> m1 = Vector128.LessThanOrEqual(Select(m0, _a1, _a0), x1);
                Vector128<float> m2 = Vector128.LessThanOrEqual(Select(m0, Select(m1, _b3, _b2), Select(m1, _b1, _b0)), x2);
                Vector128<float> t3 = Select(m0,
                    Select(m1, Select(m2, _c7, _c6), Select(m2, _c5, _c4)),
                    Select(m1, Select(m2, _c3, _c2), Select(m2, _c1, _c0)));
                Vector128<float> m3 = Vector128.LessThanOrEqual(t3, x3);
                Vector128<int> node = m0.AsInt32();
                node = node + node + m1.AsInt32();
                node = node + node + m2.AsInt32();
                return node + node + m3.AsInt32();
            }

            /// <summary>Lanes (0, 1, 2, 3) to (0, 3, 2, 1): node j's threshold (lane j mod 4) to lane −j mod 4.</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static Vector128<float> Negated(Vector128<float> lanes) => Vector128.Shuffle(lanes, Vector128.Create(0, 3, 2, 1));
        }
    }
}
