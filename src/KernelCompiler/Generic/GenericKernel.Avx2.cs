using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KernelCompiler.Generic
{
    internal sealed partial class GenericKernel
    {
        /// <summary>The AVX2 (+ FMA) width: 32 rows a block. Encoding compares 8 rows at a time; vpermps holds 8
        /// floats, so levels 1–2 pick from heap slots 0..7 (nodes 2..7) and level 3 from slots 8..15 (nodes 8..15,
        /// which vpermps indexes by their low 3 bits). Lookups are vpshufb on the table in both 128-bit lanes;
        /// outputs leave through 8 × 8 dword transposes and masked stores.</summary>
        private readonly unsafe struct Avx2Width : IWidth<Avx2Width, Vector256<byte>>
        {
            private readonly Vector256<float> _root;   // node 1, in every lane
            private readonly Vector256<float> _upper;  // heap slots 0..7: nodes 1..7 (slot 0 unused)
            private readonly Vector256<float> _leaves; // heap slots 8..15: nodes 8..15

            private Avx2Width(Vector256<float> root, Vector256<float> upper, Vector256<float> leaves)
            {
                _root = root;
                _upper = upper;
                _leaves = leaves;
            }

            public static int Rows => 32;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static Avx2Width Tree(float* heap) => new(Vector256.Create(heap[1]), Vector256.Load(heap), Vector256.Load(heap + 8));

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public void Encode<TLayout>(float* x0, float* x1, float* x2, float* x3, int row, nint d, byte* codes)
                where TLayout : struct, ILayout
            {
                Vector256<int> q0 = Encode8<TLayout>(x0, x1, x2, x3, row, d);
                Vector256<int> q1 = Encode8<TLayout>(x0, x1, x2, x3, row + 8, d);
                Vector256<int> q2 = Encode8<TLayout>(x0, x1, x2, x3, row + 16, d);
                Vector256<int> q3 = Encode8<TLayout>(x0, x1, x2, x3, row + 24, d);
                Vector256<byte> packed = Avx2.PackUnsignedSaturate(Avx2.PackSignedSaturate(q0, q1), Avx2.PackSignedSaturate(q2, q3));
                // packs/packus work per 128-bit lane; this puts the four 8-row quarters back in row order. Leaves are
                // 16 + code.
                Vector256<int> unpackLanes = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7);
                (Avx2.PermuteVar8x32(packed.AsInt32(), unpackLanes).AsByte() & Vector256.Create((byte)15)).Store(codes);
            }

            /// <summary>Leaf nodes (16 + code) of 8 rows starting at <paramref name="row"/>.</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private Vector256<int> Encode8<TLayout>(float* x0, float* x1, float* x2, float* x3, int row, nint d)
                where TLayout : struct, ILayout
            {
                // A compare is −1 where true: subtracting it adds the decision.
                Vector256<int> node = Vector256.Create(2) - Right(LoadRows<TLayout>(x0, row, d), _root);
                node = node + node - Right(LoadRows<TLayout>(x1, row, d), Avx2.PermuteVar8x32(_upper, node));
                node = node + node - Right(LoadRows<TLayout>(x2, row, d), Avx2.PermuteVar8x32(_upper, node));
                return node + node - Right(LoadRows<TLayout>(x3, row, d), Avx2.PermuteVar8x32(_leaves, node));
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static Vector256<float> LoadRows<TLayout>(float* column, int row, nint d)
                where TLayout : struct, ILayout
            {
                if (TLayout.ColumnMajor)
                {
                    return Vector256.Load(column + row);
                }

                // Row-major: 8 loads D floats apart (measured faster than vgatherdps here).
                float* p = column + row * d;
                return Vector256.Create(p[0], p[d], p[2 * d], p[3 * d], p[4 * d], p[5 * d], p[6 * d], p[7 * d]);
            }

            /// <summary>−1 where value ≥ threshold, else 0 (NaN compares false).</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static Vector256<int> Right(Vector256<float> value, Vector256<float> threshold)
                => Avx.CompareGreaterThanOrEqual(value, threshold).AsInt32();

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static Vector256<byte> Load(byte* codes) => Vector256.Load(codes);

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static Vector256<byte> Lookup(byte* table, Vector256<byte> codes)
                => Avx2.Shuffle(Avx2.BroadcastVector128ToVector256(table), codes);

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static Vector256<byte> Average(Vector256<byte> a, Vector256<byte> b) => Avx2.Average(a, b);

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static Vector256<byte> Add(Vector256<byte> a, Vector256<byte> b) => (a.AsUInt16() + b.AsUInt16()).AsByte();

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static Vector256<byte> High(Vector256<byte> v) => Vector256.ShiftRightLogical(v.AsUInt16(), 8).AsByte();

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static void Stage(Vector256<byte> both, Vector256<byte> odd, in Finish finish, int* stage)
            {
                Vector256<ushort> even = both.AsUInt16() - Vector256.ShiftLeft(odd.AsUInt16(), 8);
                StoreRows(Vector256.WidenLower(even).AsInt32(), Vector256.WidenLower(odd.AsUInt16()).AsInt32(), finish, stage);
                StoreRows(Vector256.WidenUpper(even).AsInt32(), Vector256.WidenUpper(odd.AsUInt16()).AsInt32(), finish, stage + 16);
            }

            /// <summary>Stores rows 0..15 of a 16-row half block in order, given its even and odd rows (lane k: rows
            /// 2k, 2k + 1): an in-lane unpack, then the lanes put in order.</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static void StoreRows(Vector256<int> even, Vector256<int> odd, in Finish finish, int* stage)
            {
                Vector256<int> low = Avx2.UnpackLow(even, odd);   // rows 0..3 | 8..11
                Vector256<int> high = Avx2.UnpackHigh(even, odd); // rows 4..7 | 12..15
                Complete(Avx2.Permute2x128(low, high, 0x20), finish).Store(stage);
                Complete(Avx2.Permute2x128(low, high, 0x31), finish).Store(stage + 8);
            }

            /// <summary>Sums S (average: G · U − bias), or their dequantised outputs as float bits (one FMA).</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static Vector256<int> Complete(Vector256<int> sums, in Finish finish)
            {
                if (finish.Average)
                {
                    sums = Vector256.ShiftLeft(sums, finish.Log2Group) - Vector256.Create(finish.Bias);
                }

                if (!finish.Dequantize)
                {
                    return sums;
                }

                return Fma.MultiplyAdd(Vector256.ConvertToSingle(sums), Vector256.Create(finish.Step), Vector256.Create(finish.Offset)).AsInt32();
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static void WriteStage(int* stage, int count, int firstOutput, int outputs, int* destination, int m)
            {
                if (m == 1)
                {
                    // One output: the destination is the staged row itself.
                    for (int r = 0; r < count; r += 8)
                    {
                        Vector256<int> rowMask = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(count - r));
                        Avx.MaskStore((float*)(destination + r), rowMask.AsSingle(), Vector256.Load(stage + r).AsSingle());
                    }

                    return;
                }

                for (int first = 0; first < outputs; first += 8)
                {
                    Vector256<int> mask = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(outputs - first));
                    for (int tile = 0; tile * 8 < count; tile++)
                    {
                        WriteTile(stage + first * 32 + tile * 8, destination + ((nint)tile * 8 * m + firstOutput + first),
                            System.Math.Min(8, count - tile * 8), mask, m);
                    }
                }
            }

            /// <summary>Transposes an 8 × 8 tile of the stage ([output][row], rows 32 apart) and stores each of the
            /// first <paramref name="rows"/> rows' outputs with a masked store (masked-out lanes are never written).</summary>
            [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
            private static void WriteTile(int* stage, int* destination, int rows, Vector256<int> mask, int m)
            {
                Vector256<int> a0 = Vector256.Load(stage), a1 = Vector256.Load(stage + 32);
                Vector256<int> a2 = Vector256.Load(stage + 64), a3 = Vector256.Load(stage + 96);
                Vector256<int> a4 = Vector256.Load(stage + 128), a5 = Vector256.Load(stage + 160);
                Vector256<int> a6 = Vector256.Load(stage + 192), a7 = Vector256.Load(stage + 224);
                Vector256<int> t0 = Avx2.UnpackLow(a0, a1), t1 = Avx2.UnpackHigh(a0, a1);
                Vector256<int> t2 = Avx2.UnpackLow(a2, a3), t3 = Avx2.UnpackHigh(a2, a3);
                Vector256<int> t4 = Avx2.UnpackLow(a4, a5), t5 = Avx2.UnpackHigh(a4, a5);
                Vector256<int> t6 = Avx2.UnpackLow(a6, a7), t7 = Avx2.UnpackHigh(a6, a7);
                // u_j, lane L: element 4L + j of outputs 0..3 (u) or 4..7 (w).
                Vector256<int> u0 = Avx2.UnpackLow(t0.AsInt64(), t2.AsInt64()).AsInt32();
                Vector256<int> u1 = Avx2.UnpackHigh(t0.AsInt64(), t2.AsInt64()).AsInt32();
                Vector256<int> u2 = Avx2.UnpackLow(t1.AsInt64(), t3.AsInt64()).AsInt32();
                Vector256<int> u3 = Avx2.UnpackHigh(t1.AsInt64(), t3.AsInt64()).AsInt32();
                Vector256<int> w0 = Avx2.UnpackLow(t4.AsInt64(), t6.AsInt64()).AsInt32();
                Vector256<int> w1 = Avx2.UnpackHigh(t4.AsInt64(), t6.AsInt64()).AsInt32();
                Vector256<int> w2 = Avx2.UnpackLow(t5.AsInt64(), t7.AsInt64()).AsInt32();
                Vector256<int> w3 = Avx2.UnpackHigh(t5.AsInt64(), t7.AsInt64()).AsInt32();
                float* d = (float*)destination;
                Vector256<float> fmask = mask.AsSingle();
                if (rows > 0) Avx.MaskStore(d, fmask, Avx2.Permute2x128(u0, w0, 0x20).AsSingle());
                if (rows > 1) Avx.MaskStore(d + m, fmask, Avx2.Permute2x128(u1, w1, 0x20).AsSingle());
                if (rows > 2) Avx.MaskStore(d + 2 * m, fmask, Avx2.Permute2x128(u2, w2, 0x20).AsSingle());
                if (rows > 3) Avx.MaskStore(d + 3 * m, fmask, Avx2.Permute2x128(u3, w3, 0x20).AsSingle());
                if (rows > 4) Avx.MaskStore(d + 4 * m, fmask, Avx2.Permute2x128(u0, w0, 0x31).AsSingle());
                if (rows > 5) Avx.MaskStore(d + 5 * m, fmask, Avx2.Permute2x128(u1, w1, 0x31).AsSingle());
                if (rows > 6) Avx.MaskStore(d + 6 * m, fmask, Avx2.Permute2x128(u2, w2, 0x31).AsSingle());
                if (rows > 7) Avx.MaskStore(d + 7 * m, fmask, Avx2.Permute2x128(u3, w3, 0x31).AsSingle());
            }
        }
    }
}
