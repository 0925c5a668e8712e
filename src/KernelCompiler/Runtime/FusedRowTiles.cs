using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KernelCompiler.Runtime
{
    /// <summary>
    /// The shape-independent part of the fused path's row-major encoder (the generated and emitted EncodeRows steps
    /// call it; see docs/kernel-design.md): after the steps have gathered each row's split values into slot vectors,
    /// this turns the tile's rows of slots into slots of rows. Not meant to be called by hand.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class FusedRowTiles
    {
        /// <summary>Asks for the cache line <paramref name="offset"/> floats from <paramref name="row"/> (a hint that never
        /// faults and reads nothing, so it may point past the end of the input). The address is formed as a pointer,
        /// never as a managed reference outside the input; the runtime has the input pinned.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static unsafe void Prefetch(ref float row, nint offset) => Sse.Prefetch0((float*)Unsafe.AsPointer(ref row) + offset);

        /// <summary>Transposes <paramref name="blocks"/> 16 × 16 blocks of floats in place: element <c>[b][r][l]</c>
        /// (row r's slot 16 · b + l) becomes <c>[b][l][r]</c>, so slot s of the tile's 16 rows is the vector at
        /// <c>16 · s</c>. The caller owns <c>256 · blocks</c> floats from <paramref name="slots"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void TransposeSlots(ref float slots, nint blocks)
        {
            for (nint b = 0; b < blocks; b++)
            {
                ref float block = ref Unsafe.Add(ref slots, b * 256);
                Vector512<int> a0 = Vector512.LoadUnsafe(ref block, 0).AsInt32();
                Vector512<int> a1 = Vector512.LoadUnsafe(ref block, 16).AsInt32();
                Vector512<int> a2 = Vector512.LoadUnsafe(ref block, 32).AsInt32();
                Vector512<int> a3 = Vector512.LoadUnsafe(ref block, 48).AsInt32();
                Vector512<int> a4 = Vector512.LoadUnsafe(ref block, 64).AsInt32();
                Vector512<int> a5 = Vector512.LoadUnsafe(ref block, 80).AsInt32();
                Vector512<int> a6 = Vector512.LoadUnsafe(ref block, 96).AsInt32();
                Vector512<int> a7 = Vector512.LoadUnsafe(ref block, 112).AsInt32();
                Vector512<int> a8 = Vector512.LoadUnsafe(ref block, 128).AsInt32();
                Vector512<int> a9 = Vector512.LoadUnsafe(ref block, 144).AsInt32();
                Vector512<int> a10 = Vector512.LoadUnsafe(ref block, 160).AsInt32();
                Vector512<int> a11 = Vector512.LoadUnsafe(ref block, 176).AsInt32();
                Vector512<int> a12 = Vector512.LoadUnsafe(ref block, 192).AsInt32();
                Vector512<int> a13 = Vector512.LoadUnsafe(ref block, 208).AsInt32();
                Vector512<int> a14 = Vector512.LoadUnsafe(ref block, 224).AsInt32();
                Vector512<int> a15 = Vector512.LoadUnsafe(ref block, 240).AsInt32();
                Dwords16x16.Transpose(ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7, ref a8, ref a9, ref a10, ref a11, ref a12, ref a13, ref a14, ref a15);
                a0.AsSingle().StoreUnsafe(ref block, 0);
                a1.AsSingle().StoreUnsafe(ref block, 16);
                a2.AsSingle().StoreUnsafe(ref block, 32);
                a3.AsSingle().StoreUnsafe(ref block, 48);
                a4.AsSingle().StoreUnsafe(ref block, 64);
                a5.AsSingle().StoreUnsafe(ref block, 80);
                a6.AsSingle().StoreUnsafe(ref block, 96);
                a7.AsSingle().StoreUnsafe(ref block, 112);
                a8.AsSingle().StoreUnsafe(ref block, 128);
                a9.AsSingle().StoreUnsafe(ref block, 144);
                a10.AsSingle().StoreUnsafe(ref block, 160);
                a11.AsSingle().StoreUnsafe(ref block, 176);
                a12.AsSingle().StoreUnsafe(ref block, 192);
                a13.AsSingle().StoreUnsafe(ref block, 208);
                a14.AsSingle().StoreUnsafe(ref block, 224);
                a15.AsSingle().StoreUnsafe(ref block, 240);
            }
        }
    }
}
