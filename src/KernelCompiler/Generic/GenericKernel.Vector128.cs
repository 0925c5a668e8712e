using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace KernelCompiler.Generic
{
    internal sealed partial class GenericKernel
    {
        /// <summary>The 128-bit width, x86 (SSSE3) and Arm64 (AdvSimd) alike through the cross-platform Vector128
        /// API: 16 rows a block. Encoding compares 4 rows at a time; with no variable float permute in SSSE3, a
        /// lane's threshold is picked by a byte shuffle of a 4-float slice of the 1-based heap: nodes 2..3 (level 1),
        /// 4..7 (level 2), 8..11 or 12..15 (level 3). Lookups are pshufb / tbl; outputs leave through 4 × 4
        /// transposes.</summary>
        private readonly unsafe struct Vector128Width : IWidth<Vector128Width, Vector128<byte>>
        {
            private readonly Vector128<float> _root;       // node 1 in every lane
            private readonly Vector128<float> _top;        // heap slots 0..3: nodes 1..3 (slot 0 unused)
            private readonly Vector128<float> _middle;     // nodes 4..7
            private readonly Vector128<float> _leavesLow;  // nodes 8..11
            private readonly Vector128<float> _leavesHigh; // nodes 12..15

            private Vector128Width(float* heap)
            {
                _root = Vector128.Create(heap[1]);
                _top = Vector128.Load(heap);
                _middle = Vector128.Load(heap + 4);
                _leavesLow = Vector128.Load(heap + 8);
                _leavesHigh = Vector128.Load(heap + 12);
            }

            public static int Rows => 16;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static Vector128Width Tree(float* heap) => new(heap);

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public void Encode<TLayout>(float* x0, float* x1, float* x2, float* x3, int row, nint d, byte* codes)
                where TLayout : struct, ILayout
            {
                Vector128<uint> q0 = Encode4<TLayout>(x0, x1, x2, x3, row, d);
                Vector128<uint> q1 = Encode4<TLayout>(x0, x1, x2, x3, row + 4, d);
                Vector128<uint> q2 = Encode4<TLayout>(x0, x1, x2, x3, row + 8, d);
                Vector128<uint> q3 = Encode4<TLayout>(x0, x1, x2, x3, row + 12, d);
                Vector128.Narrow(Vector128.Narrow(q0, q1), Vector128.Narrow(q2, q3)).Store(codes);
            }

            /// <summary>Codes of 4 rows starting at <paramref name="row"/>.</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private Vector128<uint> Encode4<TLayout>(float* x0, float* x1, float* x2, float* x3, int row, nint d)
                where TLayout : struct, ILayout
            {
                Vector128<int> three = Vector128.Create(3);
                Vector128<int> node = Vector128.Create(2) - Right(LoadRows<TLayout>(x0, row, d), _root);
                node = node + node - Right(LoadRows<TLayout>(x1, row, d), PickLanes(_top, BroadcastIndexBytes(node)));
                node = node + node - Right(LoadRows<TLayout>(x2, row, d), PickLanes(_middle, BroadcastIndexBytes(node & three)));
                Vector128<byte> leaf = BroadcastIndexBytes(node & three);
                Vector128<float> threshold = Vector128.ConditionalSelect(
                    Vector128.GreaterThan(node, Vector128.Create(11)).AsSingle(),
                    PickLanes(_leavesHigh, leaf),
                    PickLanes(_leavesLow, leaf));
                node = node + node - Right(LoadRows<TLayout>(x3, row, d), threshold);
                return (node - Vector128.Create(16)).AsUInt32();
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static Vector128<float> LoadRows<TLayout>(float* column, int row, nint d)
                where TLayout : struct, ILayout
            {
                if (TLayout.ColumnMajor)
                {
                    return Vector128.Load(column + row);
                }

                float* p = column + row * d;
                return Vector128.Create(p[0], p[d], p[2 * d], p[3 * d]);
            }

            /// <summary>−1 where value ≥ threshold, else 0 (NaN compares false): subtracting it adds the decision.</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static Vector128<int> Right(Vector128<float> value, Vector128<float> threshold)
                => Vector128.GreaterThanOrEqual(value, threshold).AsInt32();

            /// <summary>Byte-shuffle control that moves float lane j (0..3, one per int lane) into each lane: 4j .. 4j + 3.</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static Vector128<byte> BroadcastIndexBytes(Vector128<int> lane)
            {
                Vector128<byte> firstByte = Vector128.Create((byte)0, 0, 0, 0, 4, 4, 4, 4, 8, 8, 8, 8, 12, 12, 12, 12);
                Vector128<byte> bytesOfLane = Vector128.Create(0x03020100).AsByte();
                return ShuffleBytes(Vector128.ShiftLeft(lane, 2).AsByte(), firstByte) + bytesOfLane;
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static Vector128<float> PickLanes(Vector128<float> values, Vector128<byte> control)
                => ShuffleBytes(values.AsByte(), control).AsSingle();

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static Vector128<byte> Load(byte* codes) => Vector128.Load(codes);

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static Vector128<byte> Lookup(byte* table, Vector128<byte> codes) => ShuffleBytes(Vector128.Load(table), codes);

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static Vector128<byte> Average(Vector128<byte> a, Vector128<byte> b) => AverageBytes(a, b);

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static Vector128<byte> Add(Vector128<byte> a, Vector128<byte> b) => (a.AsUInt16() + b.AsUInt16()).AsByte();

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static Vector128<byte> High(Vector128<byte> v) => Vector128.ShiftRightLogical(v.AsUInt16(), 8).AsByte();

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static void Stage(Vector128<byte> both, Vector128<byte> odd, in Finish finish, int* stage)
            {
                Vector128<ushort> even = both.AsUInt16() - Vector128.ShiftLeft(odd.AsUInt16(), 8);
                Vector128<byte> e0 = Vector128.WidenLower(even).AsByte(), e1 = Vector128.WidenUpper(even).AsByte();
                Vector128<byte> o0 = Vector128.WidenLower(odd.AsUInt16()).AsByte(), o1 = Vector128.WidenUpper(odd.AsUInt16()).AsByte();
                // Lane k of e is row 2k, of o row 2k + 1: a 32-bit interleave puts them in row order.
                Complete(Zip32(e0, o0, false).AsInt32(), finish).Store(stage);
                Complete(Zip32(e0, o0, true).AsInt32(), finish).Store(stage + 4);
                Complete(Zip32(e1, o1, false).AsInt32(), finish).Store(stage + 8);
                Complete(Zip32(e1, o1, true).AsInt32(), finish).Store(stage + 12);
            }

            /// <summary>Sums S (average: G · U − bias), or their dequantised outputs as float bits (one FMA).</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static Vector128<int> Complete(Vector128<int> sums, in Finish finish)
            {
                if (finish.Average)
                {
                    sums = Vector128.ShiftLeft(sums, finish.Log2Group) - Vector128.Create(finish.Bias);
                }

                if (!finish.Dequantize)
                {
                    return sums;
                }

                // Vector128.FusedMultiplyAdd is always fused (software-emulated where the CPU lacks FMA), as the
                // contract needs.
                return Vector128.FusedMultiplyAdd(Vector128.ConvertToSingle(sums), Vector128.Create(finish.Step),
                    Vector128.Create(finish.Offset)).AsInt32();
            }

            /// <summary>Groups of 4 outputs by 4 × 4 transposes, the rest one value at a time.</summary>
            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public static void WriteStage(int* stage, int count, int firstOutput, int outputs, int* destination, int m)
            {
                nint stride = m;
                int grouped = outputs / 4 * 4;
                for (int first = 0; first < grouped; first += 4)
                {
                    int* d = destination + firstOutput + first;
                    for (int r0 = 0; r0 < count; r0 += 4)
                    {
                        int* s = stage + first * 16 + r0;
                        Vector128<byte> a0 = Vector128.Load(s).AsByte(), a1 = Vector128.Load(s + 16).AsByte();
                        Vector128<byte> a2 = Vector128.Load(s + 32).AsByte(), a3 = Vector128.Load(s + 48).AsByte();
                        Vector128<byte> t0 = Zip32(a0, a1, false), t1 = Zip32(a0, a1, true);
                        Vector128<byte> t2 = Zip32(a2, a3, false), t3 = Zip32(a2, a3, true);
                        int rows = Math.Min(4, count - r0);
                        Zip64(t0, t2, false).AsInt32().Store(d + r0 * stride);
                        if (rows > 1) Zip64(t0, t2, true).AsInt32().Store(d + (r0 + 1) * stride);
                        if (rows > 2) Zip64(t1, t3, false).AsInt32().Store(d + (r0 + 2) * stride);
                        if (rows > 3) Zip64(t1, t3, true).AsInt32().Store(d + (r0 + 3) * stride);
                    }
                }

                for (int o = grouped; o < outputs; o++)
                {
                    for (int r = 0; r < count; r++)
                    {
                        destination[r * stride + firstOutput + o] = stage[o * 16 + r];
                    }
                }
            }
        }

        /// <summary>16-entry in-register byte lookup (pshufb / tbl); every index here is 0..15.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<byte> ShuffleBytes(Vector128<byte> table, Vector128<byte> indices)
        {
            if (Ssse3.IsSupported)
            {
                return Ssse3.Shuffle(table, indices);
            }

            if (AdvSimd.Arm64.IsSupported)
            {
                return AdvSimd.Arm64.VectorTableLookup(table, indices);
            }

            throw new PlatformNotSupportedException();
        }

        /// <summary>Rounding average (a + b + 1) >> 1 of unsigned bytes (pavgb / urhadd).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<byte> AverageBytes(Vector128<byte> a, Vector128<byte> b)
        {
            if (Sse2.IsSupported)
            {
                return Sse2.Average(a, b);
            }

            if (AdvSimd.IsSupported)
            {
                return AdvSimd.FusedAddRoundedHalving(a, b);
            }

            throw new PlatformNotSupportedException();
        }
    }
}
