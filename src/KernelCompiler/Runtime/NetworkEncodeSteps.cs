using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace KernelCompiler.Runtime
{
    /// <summary>
    /// One codebook's encode for a tile of 64 rows, per vector width of the fused network kernel: the building blocks
    /// of <see cref="INetworkKernelSteps"/>. Generated and emitted network steps call them with the codebook's split
    /// slots and thresholds as constants (the JIT inlines the call and keeps the thresholds as constant vectors); the
    /// table-driven kernel calls them with the same values read from the plan. Not meant to be called by hand.
    /// </summary>
    /// <remarks>
    /// A row's code is the binary number of its four decisions (docs/algorithm.md §1): a float input goes right when
    /// <c>x &gt;= t</c> (false for NaN), a raw sum when <c>raw &gt; g</c> (g the folded threshold). Thresholds are a
    /// tree's 15 in node order (level l's nodes from 2^l − 1), padded with a 16th that is never picked. The input tile is
    /// slot-major, <c>values[slot · 64 + r]</c> (floats, or 16-bit raw sums). Codes: <c>codes[c · 64 + 2p + h]</c>
    /// holds row <c>p + 32h</c>; the quad layout (AVX-512 VBMI) stores, for codebooks 4q .. 4q + 3 and rows
    /// 16b .. 16b + 15, 64 bytes at <c>(4q + b) · 64</c> whose byte 4i + k is <c>16k + code</c>. Both buffers must be
    /// pinned.
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static unsafe class NetworkEncodeSteps
    {
        /// <summary>Rows a tile.</summary>
        public const int TileRows = 64;

        /// <summary>512 bits, float input: 16 rows a vector, one vpermd picks each row's threshold.</summary>
        /// <param name="values">The input tile.</param>
        /// <param name="codes">The tile's codes.</param>
        /// <param name="codebook">c.</param>
        /// <param name="slot0">The slot level 0 reads.</param>
        /// <param name="slot1">The slot level 1 reads.</param>
        /// <param name="slot2">The slot level 2 reads.</param>
        /// <param name="slot3">The slot level 3 reads.</param>
        /// <param name="thresholds">The tree's 15 thresholds and a 16th never picked.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Floats512(ref byte values, ref byte codes, int codebook, int slot0, int slot1, int slot2, int slot3,
            Vector512<float> thresholds)
        {
            float* v = (float*)Unsafe.AsPointer(ref values);
            float* s0 = v + slot0 * TileRows, s1 = v + slot1 * TileRows, s2 = v + slot2 * TileRows, s3 = v + slot3 * TileRows;
            ushort* k = (ushort*)((byte*)Unsafe.AsPointer(ref codes) + codebook * TileRows);
            for (int q = 0; q < 2; q++)
            {
                int lo = 16 * q, hi = 32 + 16 * q;
                Vector512<int> a = Node512(s0 + lo, s1 + lo, s2 + lo, s3 + lo, thresholds);
                Vector512<int> b = Node512(s0 + hi, s1 + hi, s2 + hi, s3 + hi, thresholds);
                Avx512F.ConvertToVector256UInt16((a | (b << 8)).AsUInt32()).Store(k + 16 * q);
            }
        }

        /// <summary>512 bits, raw-sum input against folded integer thresholds.</summary>
        /// <param name="values">The input tile.</param>
        /// <param name="codes">The tile's codes.</param>
        /// <param name="codebook">c.</param>
        /// <param name="slot0">The slot level 0 reads.</param>
        /// <param name="slot1">The slot level 1 reads.</param>
        /// <param name="slot2">The slot level 2 reads.</param>
        /// <param name="slot3">The slot level 3 reads.</param>
        /// <param name="thresholds">The tree's 15 folded thresholds and a 16th never picked.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Sums512(ref byte values, ref byte codes, int codebook, int slot0, int slot1, int slot2, int slot3,
            Vector512<int> thresholds)
        {
            ushort* v = (ushort*)Unsafe.AsPointer(ref values);
            ushort* s0 = v + slot0 * TileRows, s1 = v + slot1 * TileRows, s2 = v + slot2 * TileRows, s3 = v + slot3 * TileRows;
            ushort* k = (ushort*)((byte*)Unsafe.AsPointer(ref codes) + codebook * TileRows);
            for (int q = 0; q < 2; q++)
            {
                int lo = 16 * q, hi = 32 + 16 * q;
                Vector512<int> a = Node512(s0 + lo, s1 + lo, s2 + lo, s3 + lo, thresholds);
                Vector512<int> b = Node512(s0 + hi, s1 + hi, s2 + hi, s3 + hi, thresholds);
                Avx512F.ConvertToVector256UInt16((a | (b << 8)).AsUInt32()).Store(k + 16 * q);
            }
        }

        /// <summary>512 bits into the quad layout, float input: four codebooks 4q .. 4q + 3 (a codebook past C is given
        /// with <paramref name="a0"/> … slot −1 and gets code 0, a zero table entry).</summary>
        /// <param name="values">The input tile.</param>
        /// <param name="codes">The tile's codes.</param>
        /// <param name="quad">q.</param>
        /// <param name="a0">Codebook 4q's slot at level 0 (−1: no such codebook).</param>
        /// <param name="a1">Its slot at level 1.</param>
        /// <param name="a2">Its slot at level 2.</param>
        /// <param name="a3">Its slot at level 3.</param>
        /// <param name="ta">Its thresholds.</param>
        /// <param name="b0">Codebook 4q + 1's slot at level 0 (−1: none).</param>
        /// <param name="b1">Its slot at level 1.</param>
        /// <param name="b2">Its slot at level 2.</param>
        /// <param name="b3">Its slot at level 3.</param>
        /// <param name="tb">Its thresholds.</param>
        /// <param name="c0">Codebook 4q + 2's slot at level 0 (−1: none).</param>
        /// <param name="c1">Its slot at level 1.</param>
        /// <param name="c2">Its slot at level 2.</param>
        /// <param name="c3">Its slot at level 3.</param>
        /// <param name="tc">Its thresholds.</param>
        /// <param name="d0">Codebook 4q + 3's slot at level 0 (−1: none).</param>
        /// <param name="d1">Its slot at level 1.</param>
        /// <param name="d2">Its slot at level 2.</param>
        /// <param name="d3">Its slot at level 3.</param>
        /// <param name="td">Its thresholds.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void FloatsQuads512(ref byte values, ref byte codes, int quad,
            int a0, int a1, int a2, int a3, Vector512<float> ta, int b0, int b1, int b2, int b3, Vector512<float> tb,
            int c0, int c1, int c2, int c3, Vector512<float> tc, int d0, int d1, int d2, int d3, Vector512<float> td)
        {
            float* v = (float*)Unsafe.AsPointer(ref values);
            byte* k = (byte*)Unsafe.AsPointer(ref codes) + 4 * quad * TileRows;
            for (int b = 0; b < 4; b++)
            {
                float* o = v + 16 * b;
                Vector512<int> packed = Vector512.Create(0x30201000);
                if (a0 >= 0) packed |= Node512(o + a0 * TileRows, o + a1 * TileRows, o + a2 * TileRows, o + a3 * TileRows, ta);
                if (b0 >= 0) packed |= Node512(o + b0 * TileRows, o + b1 * TileRows, o + b2 * TileRows, o + b3 * TileRows, tb) << 8;
                if (c0 >= 0) packed |= Node512(o + c0 * TileRows, o + c1 * TileRows, o + c2 * TileRows, o + c3 * TileRows, tc) << 16;
                if (d0 >= 0) packed |= Node512(o + d0 * TileRows, o + d1 * TileRows, o + d2 * TileRows, o + d3 * TileRows, td) << 24;
                packed.AsByte().Store(k + b * TileRows);
            }
        }

        /// <summary>512 bits into the quad layout, raw-sum input against folded integer thresholds.</summary>
        /// <param name="values">The input tile.</param>
        /// <param name="codes">The tile's codes.</param>
        /// <param name="quad">q.</param>
        /// <param name="a0">Codebook 4q's slot at level 0 (−1: no such codebook).</param>
        /// <param name="a1">Its slot at level 1.</param>
        /// <param name="a2">Its slot at level 2.</param>
        /// <param name="a3">Its slot at level 3.</param>
        /// <param name="ta">Its folded thresholds.</param>
        /// <param name="b0">Codebook 4q + 1's slot at level 0 (−1: none).</param>
        /// <param name="b1">Its slot at level 1.</param>
        /// <param name="b2">Its slot at level 2.</param>
        /// <param name="b3">Its slot at level 3.</param>
        /// <param name="tb">Its folded thresholds.</param>
        /// <param name="c0">Codebook 4q + 2's slot at level 0 (−1: none).</param>
        /// <param name="c1">Its slot at level 1.</param>
        /// <param name="c2">Its slot at level 2.</param>
        /// <param name="c3">Its slot at level 3.</param>
        /// <param name="tc">Its folded thresholds.</param>
        /// <param name="d0">Codebook 4q + 3's slot at level 0 (−1: none).</param>
        /// <param name="d1">Its slot at level 1.</param>
        /// <param name="d2">Its slot at level 2.</param>
        /// <param name="d3">Its slot at level 3.</param>
        /// <param name="td">Its folded thresholds.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void SumsQuads512(ref byte values, ref byte codes, int quad,
            int a0, int a1, int a2, int a3, Vector512<int> ta, int b0, int b1, int b2, int b3, Vector512<int> tb,
            int c0, int c1, int c2, int c3, Vector512<int> tc, int d0, int d1, int d2, int d3, Vector512<int> td)
        {
            ushort* v = (ushort*)Unsafe.AsPointer(ref values);
            byte* k = (byte*)Unsafe.AsPointer(ref codes) + 4 * quad * TileRows;
            for (int b = 0; b < 4; b++)
            {
                ushort* o = v + 16 * b;
                Vector512<int> packed = Vector512.Create(0x30201000);
                if (a0 >= 0) packed |= Node512(o + a0 * TileRows, o + a1 * TileRows, o + a2 * TileRows, o + a3 * TileRows, ta);
                if (b0 >= 0) packed |= Node512(o + b0 * TileRows, o + b1 * TileRows, o + b2 * TileRows, o + b3 * TileRows, tb) << 8;
                if (c0 >= 0) packed |= Node512(o + c0 * TileRows, o + c1 * TileRows, o + c2 * TileRows, o + c3 * TileRows, tc) << 16;
                if (d0 >= 0) packed |= Node512(o + d0 * TileRows, o + d1 * TileRows, o + d2 * TileRows, o + d3 * TileRows, td) << 24;
                packed.AsByte().Store(k + b * TileRows);
            }
        }

        /// <summary>256 bits, float input: 8 rows a vector; thresholds 0 .. 7 (levels 0–2) in one vector, 7 .. 14
        /// (level 3) in another.</summary>
        /// <param name="values">The input tile.</param>
        /// <param name="codes">The tile's codes.</param>
        /// <param name="codebook">c.</param>
        /// <param name="slot0">The slot level 0 reads.</param>
        /// <param name="slot1">The slot level 1 reads.</param>
        /// <param name="slot2">The slot level 2 reads.</param>
        /// <param name="slot3">The slot level 3 reads.</param>
        /// <param name="upper">Thresholds 0 .. 7.</param>
        /// <param name="deepest">Thresholds 7 .. 14.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Floats256(ref byte values, ref byte codes, int codebook, int slot0, int slot1, int slot2, int slot3,
            Vector256<float> upper, Vector256<float> deepest)
        {
            float* v = (float*)Unsafe.AsPointer(ref values);
            float* s0 = v + slot0 * TileRows, s1 = v + slot1 * TileRows, s2 = v + slot2 * TileRows, s3 = v + slot3 * TileRows;
            byte* k = (byte*)Unsafe.AsPointer(ref codes) + codebook * TileRows;
            for (int q = 0; q < 4; q++)
            {
                int lo = 8 * q, hi = 32 + 8 * q;
                Vector256<int> a = Node256(s0 + lo, s1 + lo, s2 + lo, s3 + lo, upper, deepest);
                Vector256<int> b = Node256(s0 + hi, s1 + hi, s2 + hi, s3 + hi, upper, deepest);
                StorePairs256(a | (b << 8), k, q);
            }
        }

        /// <summary>256 bits, raw-sum input against folded integer thresholds.</summary>
        /// <param name="values">The input tile.</param>
        /// <param name="codes">The tile's codes.</param>
        /// <param name="codebook">c.</param>
        /// <param name="slot0">The slot level 0 reads.</param>
        /// <param name="slot1">The slot level 1 reads.</param>
        /// <param name="slot2">The slot level 2 reads.</param>
        /// <param name="slot3">The slot level 3 reads.</param>
        /// <param name="upper">Folded thresholds 0 .. 7.</param>
        /// <param name="deepest">Folded thresholds 7 .. 14.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Sums256(ref byte values, ref byte codes, int codebook, int slot0, int slot1, int slot2, int slot3,
            Vector256<int> upper, Vector256<int> deepest)
        {
            ushort* v = (ushort*)Unsafe.AsPointer(ref values);
            ushort* s0 = v + slot0 * TileRows, s1 = v + slot1 * TileRows, s2 = v + slot2 * TileRows, s3 = v + slot3 * TileRows;
            byte* k = (byte*)Unsafe.AsPointer(ref codes) + codebook * TileRows;
            for (int q = 0; q < 4; q++)
            {
                int lo = 8 * q, hi = 32 + 8 * q;
                Vector256<int> a = Node256(s0 + lo, s1 + lo, s2 + lo, s3 + lo, upper, deepest);
                Vector256<int> b = Node256(s0 + hi, s1 + hi, s2 + hi, s3 + hi, upper, deepest);
                StorePairs256(a | (b << 8), k, q);
            }
        }

        /// <summary>Arm64 AdvSimd, float input: 4 rows a vector; the 16 thresholds fill four registers and one
        /// 4-register tbl picks each row's by its node index.</summary>
        /// <param name="values">The input tile.</param>
        /// <param name="codes">The tile's codes.</param>
        /// <param name="codebook">c.</param>
        /// <param name="slot0">The slot level 0 reads.</param>
        /// <param name="slot1">The slot level 1 reads.</param>
        /// <param name="slot2">The slot level 2 reads.</param>
        /// <param name="slot3">The slot level 3 reads.</param>
        /// <param name="t0">Thresholds 0 .. 3.</param>
        /// <param name="t1">Thresholds 4 .. 7.</param>
        /// <param name="t2">Thresholds 8 .. 11.</param>
        /// <param name="t3">Thresholds 12 .. 14 and one never picked.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void FloatsAdvSimd(ref byte values, ref byte codes, int codebook, int slot0, int slot1, int slot2, int slot3,
            Vector128<float> t0, Vector128<float> t1, Vector128<float> t2, Vector128<float> t3)
        {
            float* v = (float*)Unsafe.AsPointer(ref values);
            float* s0 = v + slot0 * TileRows, s1 = v + slot1 * TileRows, s2 = v + slot2 * TileRows, s3 = v + slot3 * TileRows;
            byte* k = (byte*)Unsafe.AsPointer(ref codes) + codebook * TileRows;
            var table = (t0.AsByte(), t1.AsByte(), t2.AsByte(), t3.AsByte());
            Vector128<float> root = Vector128.Create(t0.ToScalar());
            for (int q = 0; q < 4; q++)
            {
                int lo = 8 * q, hi = 32 + 8 * q;
                Vector128<int> a0 = NodeNeon(s0 + lo, s1 + lo, s2 + lo, s3 + lo, root, table);
                Vector128<int> a1 = NodeNeon(s0 + lo + 4, s1 + lo + 4, s2 + lo + 4, s3 + lo + 4, root, table);
                Vector128<int> b0 = NodeNeon(s0 + hi, s1 + hi, s2 + hi, s3 + hi, root, table);
                Vector128<int> b1 = NodeNeon(s0 + hi + 4, s1 + hi + 4, s2 + hi + 4, s3 + hi + 4, root, table);
                StorePairsNeon(a0 | (b0 << 8), a1 | (b1 << 8), k, q);
            }
        }

        /// <summary>Arm64 AdvSimd, raw-sum input against folded integer thresholds.</summary>
        /// <param name="values">The input tile.</param>
        /// <param name="codes">The tile's codes.</param>
        /// <param name="codebook">c.</param>
        /// <param name="slot0">The slot level 0 reads.</param>
        /// <param name="slot1">The slot level 1 reads.</param>
        /// <param name="slot2">The slot level 2 reads.</param>
        /// <param name="slot3">The slot level 3 reads.</param>
        /// <param name="t0">Folded thresholds 0 .. 3.</param>
        /// <param name="t1">Folded thresholds 4 .. 7.</param>
        /// <param name="t2">Folded thresholds 8 .. 11.</param>
        /// <param name="t3">Folded thresholds 12 .. 14 and one never picked.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void SumsAdvSimd(ref byte values, ref byte codes, int codebook, int slot0, int slot1, int slot2, int slot3,
            Vector128<int> t0, Vector128<int> t1, Vector128<int> t2, Vector128<int> t3)
        {
            ushort* v = (ushort*)Unsafe.AsPointer(ref values);
            ushort* s0 = v + slot0 * TileRows, s1 = v + slot1 * TileRows, s2 = v + slot2 * TileRows, s3 = v + slot3 * TileRows;
            byte* k = (byte*)Unsafe.AsPointer(ref codes) + codebook * TileRows;
            var table = (t0.AsByte(), t1.AsByte(), t2.AsByte(), t3.AsByte());
            Vector128<int> root = Vector128.Create(t0.ToScalar());
            for (int q = 0; q < 4; q++)
            {
                int lo = 8 * q, hi = 32 + 8 * q;
                Vector128<int> a0 = NodeNeon(s0 + lo, s1 + lo, s2 + lo, s3 + lo, root, table);
                Vector128<int> a1 = NodeNeon(s0 + lo + 4, s1 + lo + 4, s2 + lo + 4, s3 + lo + 4, root, table);
                Vector128<int> b0 = NodeNeon(s0 + hi, s1 + hi, s2 + hi, s3 + hi, root, table);
                Vector128<int> b1 = NodeNeon(s0 + hi + 4, s1 + hi + 4, s2 + hi + 4, s3 + hi + 4, root, table);
                StorePairsNeon(a0 | (b0 << 8), a1 | (b1 << 8), k, q);
            }
        }

        /// <summary>Scalar code, float input: one row at a time.</summary>
        /// <param name="values">The input tile.</param>
        /// <param name="codes">The tile's codes.</param>
        /// <param name="codebook">c.</param>
        /// <param name="slot0">The slot level 0 reads.</param>
        /// <param name="slot1">The slot level 1 reads.</param>
        /// <param name="slot2">The slot level 2 reads.</param>
        /// <param name="slot3">The slot level 3 reads.</param>
        /// <param name="t0">Thresholds 0 .. 3.</param>
        /// <param name="t1">Thresholds 4 .. 7.</param>
        /// <param name="t2">Thresholds 8 .. 11.</param>
        /// <param name="t3">Thresholds 12 .. 14 and one never picked.</param>
        public static void FloatsScalar(ref byte values, ref byte codes, int codebook, int slot0, int slot1, int slot2, int slot3,
            Vector128<float> t0, Vector128<float> t1, Vector128<float> t2, Vector128<float> t3)
        {
            float* v = (float*)Unsafe.AsPointer(ref values);
            byte* k = (byte*)Unsafe.AsPointer(ref codes) + codebook * TileRows;
            float* t = stackalloc float[16];
            t0.Store(t);
            t1.Store(t + 4);
            t2.Store(t + 8);
            t3.Store(t + 12);
            int* slots = stackalloc int[] { slot0 * TileRows, slot1 * TileRows, slot2 * TileRows, slot3 * TileRows };
            for (int r = 0; r < TileRows; r++)
            {
                int node = 0;
                for (int level = 0; level < 4; level++)
                {
                    node = 2 * node + (v[slots[level] + r] >= t[(1 << level) - 1 + node] ? 1 : 0);
                }

                k[CodeLane(r)] = (byte)node;
            }
        }

        /// <summary>Scalar code, raw-sum input against folded integer thresholds.</summary>
        /// <param name="values">The input tile.</param>
        /// <param name="codes">The tile's codes.</param>
        /// <param name="codebook">c.</param>
        /// <param name="slot0">The slot level 0 reads.</param>
        /// <param name="slot1">The slot level 1 reads.</param>
        /// <param name="slot2">The slot level 2 reads.</param>
        /// <param name="slot3">The slot level 3 reads.</param>
        /// <param name="t0">Folded thresholds 0 .. 3.</param>
        /// <param name="t1">Folded thresholds 4 .. 7.</param>
        /// <param name="t2">Folded thresholds 8 .. 11.</param>
        /// <param name="t3">Folded thresholds 12 .. 14 and one never picked.</param>
        public static void SumsScalar(ref byte values, ref byte codes, int codebook, int slot0, int slot1, int slot2, int slot3,
            Vector128<int> t0, Vector128<int> t1, Vector128<int> t2, Vector128<int> t3)
        {
            ushort* v = (ushort*)Unsafe.AsPointer(ref values);
            byte* k = (byte*)Unsafe.AsPointer(ref codes) + codebook * TileRows;
            int* t = stackalloc int[16];
            t0.Store(t);
            t1.Store(t + 4);
            t2.Store(t + 8);
            t3.Store(t + 12);
            int* slots = stackalloc int[] { slot0 * TileRows, slot1 * TileRows, slot2 * TileRows, slot3 * TileRows };
            for (int r = 0; r < TileRows; r++)
            {
                int node = 0;
                for (int level = 0; level < 4; level++)
                {
                    node = 2 * node + (v[slots[level] + r] > t[(1 << level) - 1 + node] ? 1 : 0);
                }

                k[CodeLane(r)] = (byte)node;
            }
        }

        // The helpers below are inlined into the public ones, which are inlined into each codebook's call: marked, since
        // a network's encode method holds hundreds of calls and the JIT's inlining budget would otherwise run out.

        /// <summary>Where row r of a tile goes in a codebook's 64 code bytes.</summary>
        internal static int CodeLane(int r) => ((r & 31) << 1) | (r >> 5);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<int> Node512(float* v0, float* v1, float* v2, float* v3, Vector512<float> t)
        {
            // node = 2·node + bit; a true compare is all ones (−1), so subtracting it adds the bit.
            Vector512<int> node = -Vector512.GreaterThanOrEqual(Vector512.Load(v0), Vector512.Create(t.ToScalar())).AsInt32();
            node = (node << 1) - Vector512.GreaterThanOrEqual(Vector512.Load(v1), Avx512F.PermuteVar16x32(t, node + Vector512.Create(1))).AsInt32();
            node = (node << 1) - Vector512.GreaterThanOrEqual(Vector512.Load(v2), Avx512F.PermuteVar16x32(t, node + Vector512.Create(3))).AsInt32();
            node = (node << 1) - Vector512.GreaterThanOrEqual(Vector512.Load(v3), Avx512F.PermuteVar16x32(t, node + Vector512.Create(7))).AsInt32();
            return node;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<int> Node512(ushort* v0, ushort* v1, ushort* v2, ushort* v3, Vector512<int> t)
        {
            // Raw sums are 0 .. 65,280 and folded thresholds any int: a signed 32-bit compare is exact.
            Vector512<int> node = -Vector512.GreaterThan(Widen512(v0), Vector512.Create(t.ToScalar()));
            node = (node << 1) - Vector512.GreaterThan(Widen512(v1), Avx512F.PermuteVar16x32(t, node + Vector512.Create(1)));
            node = (node << 1) - Vector512.GreaterThan(Widen512(v2), Avx512F.PermuteVar16x32(t, node + Vector512.Create(3)));
            node = (node << 1) - Vector512.GreaterThan(Widen512(v3), Avx512F.PermuteVar16x32(t, node + Vector512.Create(7)));
            return node;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<int> Widen512(ushort* p) => Avx512F.ConvertToVector512Int32(Vector256.Load(p));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<int> Node256(float* v0, float* v1, float* v2, float* v3, Vector256<float> t0, Vector256<float> t1)
        {
            Vector256<int> node = -Vector256.GreaterThanOrEqual(Vector256.Load(v0), Vector256.Create(t0.ToScalar())).AsInt32();
            node = (node << 1) - Vector256.GreaterThanOrEqual(Vector256.Load(v1), Avx2.PermuteVar8x32(t0, node + Vector256.Create(1))).AsInt32();
            node = (node << 1) - Vector256.GreaterThanOrEqual(Vector256.Load(v2), Avx2.PermuteVar8x32(t0, node + Vector256.Create(3))).AsInt32();
            node = (node << 1) - Vector256.GreaterThanOrEqual(Vector256.Load(v3), Avx2.PermuteVar8x32(t1, node)).AsInt32();
            return node;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<int> Node256(ushort* v0, ushort* v1, ushort* v2, ushort* v3, Vector256<int> t0, Vector256<int> t1)
        {
            Vector256<int> node = -Vector256.GreaterThan(Widen256(v0), Vector256.Create(t0.ToScalar()));
            node = (node << 1) - Vector256.GreaterThan(Widen256(v1), Avx2.PermuteVar8x32(t0, node + Vector256.Create(1)));
            node = (node << 1) - Vector256.GreaterThan(Widen256(v2), Avx2.PermuteVar8x32(t0, node + Vector256.Create(3)));
            node = (node << 1) - Vector256.GreaterThan(Widen256(v3), Avx2.PermuteVar8x32(t1, node));
            return node;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<int> Widen256(ushort* p) => Avx2.ConvertToVector256Int32(p).AsInt32();

        /// <summary>Stores 8 code pairs (low byte row p, high byte row p + 32) as 16-bit lanes 8q .. 8q + 7.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StorePairs256(Vector256<int> pairs, byte* codebookCodes, int q)
        {
            // Each pair is at most 0x0F0F, so packing with unsigned saturation is exact.
            Vector128<ushort> packed = Sse41.PackUnsignedSaturate(pairs.GetLower(), pairs.GetUpper());
            packed.Store((ushort*)codebookCodes + 8 * q);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<int> NodeNeon(float* v0, float* v1, float* v2, float* v3, Vector128<float> root,
            (Vector128<byte>, Vector128<byte>, Vector128<byte>, Vector128<byte>) table)
        {
            // fcmge is false for NaN, as the reference's >= is.
            Vector128<int> node = -AdvSimd.CompareGreaterThanOrEqual(Vector128.Load(v0), root).AsInt32();
            node = (node << 1) - AdvSimd.CompareGreaterThanOrEqual(Vector128.Load(v1), PickNeon(table, node + Vector128.Create(1)).AsSingle()).AsInt32();
            node = (node << 1) - AdvSimd.CompareGreaterThanOrEqual(Vector128.Load(v2), PickNeon(table, node + Vector128.Create(3)).AsSingle()).AsInt32();
            node = (node << 1) - AdvSimd.CompareGreaterThanOrEqual(Vector128.Load(v3), PickNeon(table, node + Vector128.Create(7)).AsSingle()).AsInt32();
            return node;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<int> NodeNeon(ushort* v0, ushort* v1, ushort* v2, ushort* v3, Vector128<int> root,
            (Vector128<byte>, Vector128<byte>, Vector128<byte>, Vector128<byte>) table)
        {
            Vector128<int> node = -AdvSimd.CompareGreaterThan(WidenNeon(v0), root);
            node = (node << 1) - AdvSimd.CompareGreaterThan(WidenNeon(v1), PickNeon(table, node + Vector128.Create(1)));
            node = (node << 1) - AdvSimd.CompareGreaterThan(WidenNeon(v2), PickNeon(table, node + Vector128.Create(3)));
            node = (node << 1) - AdvSimd.CompareGreaterThan(WidenNeon(v3), PickNeon(table, node + Vector128.Create(7)));
            return node;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<int> WidenNeon(ushort* p) => AdvSimd.ZeroExtendWideningLower(Vector64.Load(p)).AsInt32();

        /// <summary>Lane i gets the 32-bit entry <c>index[i]</c> (0..15) of the 64-byte table: the byte indices
        /// 4·index + 0..3, made by one multiply (4·index &lt; 64 in every byte, no carries) and one add.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<int> PickNeon((Vector128<byte>, Vector128<byte>, Vector128<byte>, Vector128<byte>) table, Vector128<int> index)
        {
            Vector128<byte> bytes = (index * Vector128.Create(0x04040404) + Vector128.Create(0x03020100)).AsByte();
            return AdvSimd.Arm64.VectorTableLookup(table, bytes).AsInt32();
        }

        /// <summary>Stores 8 code pairs (low byte row p, high byte row p + 32) as 16-bit lanes 8q .. 8q + 7.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StorePairsNeon(Vector128<int> first, Vector128<int> second, byte* codebookCodes, int q)
        {
            // Each pair is at most 0x0F0F, so narrowing (xtn, keeping the low half) is exact.
            Vector64<ushort> low = AdvSimd.ExtractNarrowingLower(first.AsUInt32());
            AdvSimd.ExtractNarrowingUpper(low, second.AsUInt32()).Store((ushort*)codebookCodes + 8 * q);
        }
    }
}
