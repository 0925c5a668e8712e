using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KernelCompiler
{
    internal sealed partial class GenericKernel
    {
        /// <summary>Encodes rows 0 .. <paramref name="count"/> − 1 of the chunk (a multiple of 32), 8 at a time per
        /// codebook. vpermps holds 8 floats: levels 1–2 pick from heap slots 0..7 (nodes 2..7), level 3 from slots
        /// 8..15 (nodes 8..15, which vpermps indexes by their low 3 bits).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private unsafe void EncodeAvx2<TLayout>(ReadOnlySpan<float> x, int rows, int row0, int count, Span<byte> chunk, int stride)
            where TLayout : struct, ILayout
        {
            bool columnMajor = TLayout.ColumnMajor;
            fixed (float* px = x)
            fixed (float* heap = _heap)
            fixed (int* splits = _splits)
            fixed (byte* pc = chunk)
            {
                // packs/packus work per 128-bit lane; this puts the four 8-row quarters back in row order.
                Vector256<int> unpackLanes = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7);
                for (int c = 0; c < _c; c++)
                {
                    var t = new ThresholdsAvx2(Vector256.Create(heap[c * 16 + 1]), Vector256.Load(heap + c * 16), Vector256.Load(heap + c * 16 + 8));
                    float* x0 = ColumnStart(px, rows, row0, columnMajor, splits[c * 4]);
                    float* x1 = ColumnStart(px, rows, row0, columnMajor, splits[c * 4 + 1]);
                    float* x2 = ColumnStart(px, rows, row0, columnMajor, splits[c * 4 + 2]);
                    float* x3 = ColumnStart(px, rows, row0, columnMajor, splits[c * 4 + 3]);
                    byte* codes = pc + (nint)c * stride;
                    for (int q = 0; q < count; q += 32)
                    {
                        Vector256<int> q0 = Encode8Avx2(x0, x1, x2, x3, q, columnMajor, t);
                        Vector256<int> q1 = Encode8Avx2(x0, x1, x2, x3, q + 8, columnMajor, t);
                        Vector256<int> q2 = Encode8Avx2(x0, x1, x2, x3, q + 16, columnMajor, t);
                        Vector256<int> q3 = Encode8Avx2(x0, x1, x2, x3, q + 24, columnMajor, t);
                        Vector256<byte> packed = Avx2.PackUnsignedSaturate(Avx2.PackSignedSaturate(q0, q1), Avx2.PackSignedSaturate(q2, q3));
                        // Leaves are 16 + code.
                        (Avx2.PermuteVar8x32(packed.AsInt32(), unpackLanes).AsByte() & Vector256.Create((byte)15)).Store(codes + q);
                    }
                }
            }
        }

        private readonly struct ThresholdsAvx2
        {
            public readonly Vector256<float> Root;   // node 1, in every lane
            public readonly Vector256<float> Upper;  // heap slots 0..7: nodes 1..7 (slot 0 unused)
            public readonly Vector256<float> Leaves; // heap slots 8..15: nodes 8..15

            public ThresholdsAvx2(Vector256<float> root, Vector256<float> upper, Vector256<float> leaves)
            {
                Root = root;
                Upper = upper;
                Leaves = leaves;
            }
        }

        /// <summary>Leaf nodes (16 + code) of 8 rows starting at <paramref name="row"/> of the chunk.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private unsafe Vector256<int> Encode8Avx2(float* x0, float* x1, float* x2, float* x3, int row, bool columnMajor,
            in ThresholdsAvx2 t)
        {
            // A compare is −1 where true: subtracting it adds the decision.
            Vector256<int> node = Vector256.Create(2) - RightAvx2(LoadAvx2(x0, row, columnMajor), t.Root);
            node = node + node - RightAvx2(LoadAvx2(x1, row, columnMajor), Avx2.PermuteVar8x32(t.Upper, node));
            node = node + node - RightAvx2(LoadAvx2(x2, row, columnMajor), Avx2.PermuteVar8x32(t.Upper, node));
            return node + node - RightAvx2(LoadAvx2(x3, row, columnMajor), Avx2.PermuteVar8x32(t.Leaves, node));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private unsafe Vector256<float> LoadAvx2(float* column, int row, bool columnMajor)
        {
            if (columnMajor)
            {
                return Vector256.Load(column + row);
            }

            // Row-major: 8 loads D floats apart (measured faster than vgatherdps here).
            float* p = column + (nint)row * _d;
            nint d = _d;
            return Vector256.Create(p[0], p[d], p[2 * d], p[3 * d], p[4 * d], p[5 * d], p[6 * d], p[7 * d]);
        }

        /// <summary>−1 where value ≥ threshold, else 0 (NaN compares false).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<int> RightAvx2(Vector256<float> value, Vector256<float> threshold)
            => Avx.CompareGreaterThanOrEqual(value, threshold).AsInt32();

        /// <summary>One block of 32 rows; see <see cref="ScanBlockAvx512"/>. Outputs are written through 8 × 8
        /// transposes.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private unsafe void ScanBlockAvx2(ReadOnlySpan<byte> codes, int stride, int count, Span<int> destination, Span<int> stage, bool dequantize)
        {
            fixed (byte* pc = codes)
            fixed (byte* tables = _tables)
            fixed (int* ps = stage)
            fixed (int* pd = destination)
            {
                nint tableBytes = (nint)_c * 16;
                for (int m0 = 0; m0 < _m; m0 += OutputChunk)
                {
                    int outputs = Math.Min(OutputChunk, _m - m0);
                    int o = 0;
                    if (!_average)
                    {
                        // Two outputs per pass share each codebook's codes and the loop.
                        for (; o + 2 <= outputs; o += 2)
                        {
                            byte* table = tables + (m0 + o) * tableBytes;
                            Vector256<ushort> both0 = Vector256<ushort>.Zero, odd0 = Vector256<ushort>.Zero;
                            Vector256<ushort> both1 = Vector256<ushort>.Zero, odd1 = Vector256<ushort>.Zero;
                            byte* codesOfC = pc;
                            for (byte* t = table, end = table + tableBytes; t < end; t += 16, codesOfC += stride)
                            {
                                Vector256<byte> k = Vector256.Load(codesOfC);
                                Vector256<ushort> v0 = Avx2.Shuffle(Avx2.BroadcastVector128ToVector256(t), k).AsUInt16();
                                Vector256<ushort> v1 = Avx2.Shuffle(Avx2.BroadcastVector128ToVector256(t + tableBytes), k).AsUInt16();
                                both0 += v0;
                                odd0 += Vector256.ShiftRightLogical(v0, 8);
                                both1 += v1;
                                odd1 += Vector256.ShiftRightLogical(v1, 8);
                            }

                            StageOutputAvx2(both0, odd0, m0 + o, dequantize, ps + o * 32);
                            StageOutputAvx2(both1, odd1, m0 + o + 1, dequantize, ps + (o + 1) * 32);
                        }
                    }

                    for (; o < outputs; o++)
                    {
                        byte* table = tables + (m0 + o) * tableBytes;
                        Vector256<ushort> both = Vector256<ushort>.Zero;
                        Vector256<ushort> odd = Vector256<ushort>.Zero;
                        if (!_average)
                        {
                            byte* codesOfC = pc;
                            for (byte* t = table, end = table + tableBytes; t < end; t += 16, codesOfC += stride)
                            {
                                Vector256<ushort> v = LookupAvx2(t, codesOfC, stride, 0).AsUInt16();
                                both += v;
                                odd += Vector256.ShiftRightLogical(v, 8);
                            }
                        }
                        else
                        {
                            for (int start = 0; start < _c; start += _groupSize)
                            {
                                Vector256<ushort> v = AverageGroupAvx2(table, pc, stride, start).AsUInt16();
                                both += v;
                                odd += Vector256.ShiftRightLogical(v, 8);
                            }
                        }

                        StageOutputAvx2(both, odd, m0 + o, dequantize, ps + o * 32);
                    }

                    if (_m == 1)
                    {
                        // One output: the destination is the staged row itself.
                        for (int r = 0; r < count; r += 8)
                        {
                            Vector256<int> rowMask = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(count - r));
                            Avx.MaskStore((float*)(pd + r), rowMask.AsSingle(), Vector256.Load(ps + r).AsSingle());
                        }

                        continue;
                    }

                    for (int first = 0; first < outputs; first += 8)
                    {
                        Vector256<int> mask = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(outputs - first));
                        for (int tile = 0; tile * 8 < count; tile++)
                        {
                            WriteTileAvx2(ps + first * 32 + tile * 8, pd + ((nint)tile * 8 * _m + m0 + first), Math.Min(8, count - tile * 8), mask);
                        }
                    }
                }
            }
        }

        /// <summary>Stores one output's 32 results in row order at <paramref name="stage"/>; see
        /// <see cref="StageOutputAvx512"/> for the accumulators.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private unsafe void StageOutputAvx2(Vector256<ushort> both, Vector256<ushort> odd, int output, bool dequantize, int* stage)
        {
            Vector256<ushort> even = both - Vector256.ShiftLeft(odd, 8);
            StoreRowsAvx2(Vector256.WidenLower(even).AsInt32(), Vector256.WidenLower(odd).AsInt32(), output, dequantize, stage);
            StoreRowsAvx2(Vector256.WidenUpper(even).AsInt32(), Vector256.WidenUpper(odd).AsInt32(), output, dequantize, stage + 16);
        }

        /// <summary>Stores rows 0..15 of a 16-row half block in order, given its even and odd rows (lane k: rows 2k,
        /// 2k + 1): an in-lane unpack, then the lanes put in order.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private unsafe void StoreRowsAvx2(Vector256<int> even, Vector256<int> odd, int output, bool dequantize, int* stage)
        {
            Vector256<int> low = Avx2.UnpackLow(even, odd);   // rows 0..3 | 8..11
            Vector256<int> high = Avx2.UnpackHigh(even, odd); // rows 4..7 | 12..15
            FinishAvx2(Avx2.Permute2x128(low, high, 0x20), output, dequantize).Store(stage);
            FinishAvx2(Avx2.Permute2x128(low, high, 0x31), output, dequantize).Store(stage + 8);
        }

        /// <summary>Transposes an 8 × 8 tile of the stage ([output][row], rows 32 apart) and stores each of the first
        /// <paramref name="rows"/> rows' outputs with a masked store (masked-out lanes are never written).</summary>
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private unsafe void WriteTileAvx2(int* stage, int* destination, int rows, Vector256<int> mask)
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
            int m = _m;
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

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe Vector256<byte> LookupAvx2(byte* table, byte* codes, int stride, int c)
            => Avx2.Shuffle(Avx2.BroadcastVector128ToVector256(table + c * 16), Vector256.Load(codes + (nint)c * stride));

        /// <summary>See <see cref="AverageGroupAvx512"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private unsafe Vector256<byte> AverageGroupAvx2(byte* table, byte* codes, int stride, int start)
        {
            int g = _groupSize;
            Vector256<byte> p0 = default, p1 = default, p2 = default, p3 = default, v = default;
            for (int i = 0; i < g; i++)
            {
                v = LookupAvx2(table, codes, stride, start + i);
                if (g > 1) { if ((i & 1) == 0) { p0 = v; continue; } v = Avx2.Average(p0, v); }
                if (g > 2) { if ((i & 2) == 0) { p1 = v; continue; } v = Avx2.Average(p1, v); }
                if (g > 4) { if ((i & 4) == 0) { p2 = v; continue; } v = Avx2.Average(p2, v); }
                if (g > 8) { if ((i & 8) == 0) { p3 = v; continue; } v = Avx2.Average(p3, v); }
            }

            return v;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Vector256<int> FinishAvx2(Vector256<int> sums, int output, bool dequantize)
        {
            if (_average)
            {
                sums = Vector256.ShiftLeft(sums, _log2Group) - Vector256.Create(_bias);
            }

            if (!dequantize)
            {
                return sums;
            }

            return Fma.MultiplyAdd(Vector256.ConvertToSingle(sums), Vector256.Create(_steps[output]),
                Vector256.Create(_offsets[output])).AsInt32();
        }
    }
}
