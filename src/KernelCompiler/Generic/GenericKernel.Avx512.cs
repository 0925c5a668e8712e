using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using KernelCompiler.Runtime;

namespace KernelCompiler.Generic
{
    internal sealed partial class GenericKernel
    {
        /// <summary>The AVX-512 (F + BW) width: 64 rows a block. Encoding compares 16 rows at a time, each lane's
        /// threshold picked from the codebook's 16-float heap by one vpermps; lookups are vpshufb on the table
        /// broadcast to every 128-bit lane; outputs leave through 16 × 16 dword transposes and masked stores.</summary>
        private readonly unsafe struct Avx512Width : IWidth<Avx512Width, Vector512<byte>>
        {
            private readonly Vector512<float> _thresholds; // the 1-based heap: slot k holds node k (slot 0 unused)
            private readonly Vector512<float> _root;       // node 1, in every lane

            private Avx512Width(Vector512<float> thresholds, Vector512<float> root)
            {
                _thresholds = thresholds;
                _root = root;
            }

            public static int Rows => 64;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static Avx512Width Tree(float* heap) => new(Vector512.Load(heap), Vector512.Create(heap[1]));

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public void Encode<TLayout>(float* x0, float* x1, float* x2, float* x3, int row, nint d, byte* codes)
                where TLayout : struct, ILayout
            {
                for (int q = 0; q < 64; q += 16)
                {
                    Vector512<int> node = Vector512.ConditionalSelect(
                        Avx512F.CompareGreaterThanOrEqual(LoadRows<TLayout>(x0, row + q, d), _root).AsInt32(),
                        Vector512.Create(3), Vector512.Create(2));
                    node = Step(node, LoadRows<TLayout>(x1, row + q, d));
                    node = Step(node, LoadRows<TLayout>(x2, row + q, d));
                    node = Step(node, LoadRows<TLayout>(x3, row + q, d));
                    // Leaves are 16 + code: the truncating narrow keeps the low byte, the mask the code.
                    (Avx512F.ConvertToVector128Byte(node) & Vector128.Create((byte)15)).Store(codes + q);
                }
            }

            /// <summary>One tree level: each lane compares against its own node's threshold (vpermps by node index)
            /// and moves to child 2k (below, or NaN) or 2k + 1 (at or above).</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private Vector512<int> Step(Vector512<int> node, Vector512<float> value)
            {
                // A select on a compare becomes one masked add (vpaddd zmm{k}).
                Vector512<int> left = node + node;
                Vector512<float> right = Avx512F.CompareGreaterThanOrEqual(value, Avx512F.PermuteVar16x32(_thresholds, node));
                return Vector512.ConditionalSelect(right.AsInt32(), left + Vector512<int>.One, left);
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static Vector512<float> LoadRows<TLayout>(float* column, int row, nint d)
                where TLayout : struct, ILayout
            {
                if (TLayout.ColumnMajor)
                {
                    return Vector512.Load(column + row);
                }

                // Row-major: 16 loads D floats apart. Measured faster than two vgatherdps on this class of CPU.
                float* p = column + row * d;
                return Vector512.Create(p[0], p[d], p[2 * d], p[3 * d], p[4 * d], p[5 * d], p[6 * d], p[7 * d],
                    p[8 * d], p[9 * d], p[10 * d], p[11 * d], p[12 * d], p[13 * d], p[14 * d], p[15 * d]);
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static Vector512<byte> Load(byte* codes) => Vector512.Load(codes);

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static Vector512<byte> Lookup(byte* table, Vector512<byte> codes)
                => Avx512BW.Shuffle(Avx512F.BroadcastVector128ToVector512((int*)table).AsByte(), codes);

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static Vector512<byte> Average(Vector512<byte> a, Vector512<byte> b) => Avx512BW.Average(a, b);

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static Vector512<byte> Add(Vector512<byte> a, Vector512<byte> b) => (a.AsUInt16() + b.AsUInt16()).AsByte();

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static Vector512<byte> High(Vector512<byte> v) => Vector512.ShiftRightLogical(v.AsUInt16(), 8).AsByte();

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static void Stage(Vector512<byte> both, Vector512<byte> odd, in Finish finish, int* stage)
            {
                Vector512<ushort> even = both.AsUInt16() - Vector512.ShiftLeft(odd.AsUInt16(), 8);
                Vector512<int> e0 = Vector512.WidenLower(even).AsInt32(), e1 = Vector512.WidenUpper(even).AsInt32();
                Vector512<int> o0 = Vector512.WidenLower(odd.AsUInt16()).AsInt32(), o1 = Vector512.WidenUpper(odd.AsUInt16()).AsInt32();
                // Row 2k is lane k of e, row 2k + 1 lane k of o: interleave them back into row order.
                Vector512<int> firstHalf = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
                Vector512<int> secondHalf = Vector512.Create(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
                Complete(Avx512F.PermuteVar16x32x2(e0, firstHalf, o0), finish).Store(stage);
                Complete(Avx512F.PermuteVar16x32x2(e0, secondHalf, o0), finish).Store(stage + 16);
                Complete(Avx512F.PermuteVar16x32x2(e1, firstHalf, o1), finish).Store(stage + 32);
                Complete(Avx512F.PermuteVar16x32x2(e1, secondHalf, o1), finish).Store(stage + 48);
            }

            /// <summary>Sums S (average: G · U − bias), or their dequantised outputs as float bits (one FMA).</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static Vector512<int> Complete(Vector512<int> sums, in Finish finish)
            {
                if (finish.Average)
                {
                    sums = Vector512.ShiftLeft(sums, finish.Log2Group) - Vector512.Create(finish.Bias);
                }

                if (!finish.Dequantize)
                {
                    return sums;
                }

                return Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(sums), Vector512.Create(finish.Step),
                    Vector512.Create(finish.Offset)).AsInt32();
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static void WriteStage(int* stage, int count, int firstOutput, int outputs, int* destination, int m)
            {
                if (m == 1)
                {
                    // One output: the destination is the staged row itself.
                    for (int r = 0; r < count; r += 16)
                    {
                        Vector512<int> rowMask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count - r));
                        Avx512F.MaskStore(destination + r, rowMask, Vector512.Load(stage + r));
                    }

                    return;
                }

                Vector512<int> mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(outputs));
                for (int tile = 0; tile * 16 < count; tile++)
                {
                    WriteTile(stage + tile * 16, destination + ((nint)tile * 16 * m + firstOutput), Math.Min(16, count - tile * 16), mask, m);
                }
            }

            /// <summary>Transposes a 16 × 16 tile of the stage ([output][row], rows 64 apart) and stores each of the
            /// first <paramref name="rows"/> rows' outputs with a masked store (masked-out lanes are never written).
            /// Not inlined: its 32 vectors would crowd the scan loop's registers.</summary>
            [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
            private static void WriteTile(int* stage, int* destination, int rows, Vector512<int> mask, nint m)
            {
                // a_o: output o of the tile's 16 rows (stage rows are 64 apart).
                Vector512<int> a0 = Vector512.Load(stage + 0);
                Vector512<int> a1 = Vector512.Load(stage + 64);
                Vector512<int> a2 = Vector512.Load(stage + 128);
                Vector512<int> a3 = Vector512.Load(stage + 192);
                Vector512<int> a4 = Vector512.Load(stage + 256);
                Vector512<int> a5 = Vector512.Load(stage + 320);
                Vector512<int> a6 = Vector512.Load(stage + 384);
                Vector512<int> a7 = Vector512.Load(stage + 448);
                Vector512<int> a8 = Vector512.Load(stage + 512);
                Vector512<int> a9 = Vector512.Load(stage + 576);
                Vector512<int> a10 = Vector512.Load(stage + 640);
                Vector512<int> a11 = Vector512.Load(stage + 704);
                Vector512<int> a12 = Vector512.Load(stage + 768);
                Vector512<int> a13 = Vector512.Load(stage + 832);
                Vector512<int> a14 = Vector512.Load(stage + 896);
                Vector512<int> a15 = Vector512.Load(stage + 960);

                Dwords16x16.Transpose(ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7, ref a8, ref a9, ref a10, ref a11, ref a12, ref a13, ref a14, ref a15);
                // Only the tile's rows are written (a last tile may be partial).
                ReadOnlySpan<Vector512<int>> transposed = [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15];
                for (int r = 0; r < rows; r++)
                {
                    Avx512F.MaskStore(destination + r * m, mask, transposed[r]);
                }
            }
        }
    }
}
