using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KernelCompiler.Runtime
{
    /// <summary>The 16 × 16 dword transpose both AVX-512 output paths use: the fused runtime (sums, outputs and codes
    /// of a tile) and the generic kernel (its staged outputs).</summary>
    internal static class Dwords16x16
    {
        /// <summary>Transposes a 16 × 16 tile of dwords held in 16 vectors (a_i[j] becomes a_j[i]) in registers, with
        /// three-operand shuffles only (no register copies): 32-bit then 64-bit unpacks transpose the 4 × 4 blocks inside
        /// each 128-bit lane, then two rounds of vshufi32x4 transpose the 4 × 4 grid of 128-bit lanes. In place with four
        /// temporaries: the JIT inlines no method with more than 32 locals, and this must be inlined to stay in
        /// registers.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static void Transpose(ref Vector512<int> a0, ref Vector512<int> a1, ref Vector512<int> a2, ref Vector512<int> a3, ref Vector512<int> a4, ref Vector512<int> a5, ref Vector512<int> a6, ref Vector512<int> a7, ref Vector512<int> a8, ref Vector512<int> a9, ref Vector512<int> a10, ref Vector512<int> a11, ref Vector512<int> a12, ref Vector512<int> a13, ref Vector512<int> a14, ref Vector512<int> a15)
        {
            Vector512<int> w, x, y, z;
            w = Avx512F.UnpackLow(a0, a1); a1 = Avx512F.UnpackHigh(a0, a1); a0 = w;
            w = Avx512F.UnpackLow(a2, a3); a3 = Avx512F.UnpackHigh(a2, a3); a2 = w;
            w = Avx512F.UnpackLow(a4, a5); a5 = Avx512F.UnpackHigh(a4, a5); a4 = w;
            w = Avx512F.UnpackLow(a6, a7); a7 = Avx512F.UnpackHigh(a6, a7); a6 = w;
            w = Avx512F.UnpackLow(a8, a9); a9 = Avx512F.UnpackHigh(a8, a9); a8 = w;
            w = Avx512F.UnpackLow(a10, a11); a11 = Avx512F.UnpackHigh(a10, a11); a10 = w;
            w = Avx512F.UnpackLow(a12, a13); a13 = Avx512F.UnpackHigh(a12, a13); a12 = w;
            w = Avx512F.UnpackLow(a14, a15); a15 = Avx512F.UnpackHigh(a14, a15); a14 = w;
            w = Avx512F.UnpackLow(a0.AsInt64(), a2.AsInt64()).AsInt32(); x = Avx512F.UnpackHigh(a0.AsInt64(), a2.AsInt64()).AsInt32();
            y = Avx512F.UnpackLow(a1.AsInt64(), a3.AsInt64()).AsInt32(); a3 = Avx512F.UnpackHigh(a1.AsInt64(), a3.AsInt64()).AsInt32();
            a0 = w; a1 = x; a2 = y;
            w = Avx512F.UnpackLow(a4.AsInt64(), a6.AsInt64()).AsInt32(); x = Avx512F.UnpackHigh(a4.AsInt64(), a6.AsInt64()).AsInt32();
            y = Avx512F.UnpackLow(a5.AsInt64(), a7.AsInt64()).AsInt32(); a7 = Avx512F.UnpackHigh(a5.AsInt64(), a7.AsInt64()).AsInt32();
            a4 = w; a5 = x; a6 = y;
            w = Avx512F.UnpackLow(a8.AsInt64(), a10.AsInt64()).AsInt32(); x = Avx512F.UnpackHigh(a8.AsInt64(), a10.AsInt64()).AsInt32();
            y = Avx512F.UnpackLow(a9.AsInt64(), a11.AsInt64()).AsInt32(); a11 = Avx512F.UnpackHigh(a9.AsInt64(), a11.AsInt64()).AsInt32();
            a8 = w; a9 = x; a10 = y;
            w = Avx512F.UnpackLow(a12.AsInt64(), a14.AsInt64()).AsInt32(); x = Avx512F.UnpackHigh(a12.AsInt64(), a14.AsInt64()).AsInt32();
            y = Avx512F.UnpackLow(a13.AsInt64(), a15.AsInt64()).AsInt32(); a15 = Avx512F.UnpackHigh(a13.AsInt64(), a15.AsInt64()).AsInt32();
            a12 = w; a13 = x; a14 = y;
            // a_(4q + k), 128-bit lane l: sources 4q .. 4q + 3 at row 4l + k; row 4l + k takes lane l of a_k, a_(4 + k), a_(8 + k), a_(12 + k).
            w = Avx512F.Shuffle4x128(a0, a4, 0x44); x = Avx512F.Shuffle4x128(a0, a4, 0xEE);
            y = Avx512F.Shuffle4x128(a8, a12, 0x44); z = Avx512F.Shuffle4x128(a8, a12, 0xEE);
            a0 = Avx512F.Shuffle4x128(w, y, 0x88); a4 = Avx512F.Shuffle4x128(w, y, 0xDD);
            a8 = Avx512F.Shuffle4x128(x, z, 0x88); a12 = Avx512F.Shuffle4x128(x, z, 0xDD);
            w = Avx512F.Shuffle4x128(a1, a5, 0x44); x = Avx512F.Shuffle4x128(a1, a5, 0xEE);
            y = Avx512F.Shuffle4x128(a9, a13, 0x44); z = Avx512F.Shuffle4x128(a9, a13, 0xEE);
            a1 = Avx512F.Shuffle4x128(w, y, 0x88); a5 = Avx512F.Shuffle4x128(w, y, 0xDD);
            a9 = Avx512F.Shuffle4x128(x, z, 0x88); a13 = Avx512F.Shuffle4x128(x, z, 0xDD);
            w = Avx512F.Shuffle4x128(a2, a6, 0x44); x = Avx512F.Shuffle4x128(a2, a6, 0xEE);
            y = Avx512F.Shuffle4x128(a10, a14, 0x44); z = Avx512F.Shuffle4x128(a10, a14, 0xEE);
            a2 = Avx512F.Shuffle4x128(w, y, 0x88); a6 = Avx512F.Shuffle4x128(w, y, 0xDD);
            a10 = Avx512F.Shuffle4x128(x, z, 0x88); a14 = Avx512F.Shuffle4x128(x, z, 0xDD);
            w = Avx512F.Shuffle4x128(a3, a7, 0x44); x = Avx512F.Shuffle4x128(a3, a7, 0xEE);
            y = Avx512F.Shuffle4x128(a11, a15, 0x44); z = Avx512F.Shuffle4x128(a11, a15, 0xEE);
            a3 = Avx512F.Shuffle4x128(w, y, 0x88); a7 = Avx512F.Shuffle4x128(w, y, 0xDD);
            a11 = Avx512F.Shuffle4x128(x, z, 0x88); a15 = Avx512F.Shuffle4x128(x, z, 0xDD);
        }
    }
}
