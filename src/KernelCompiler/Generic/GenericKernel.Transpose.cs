using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace KernelCompiler.Generic
{
    internal sealed partial class GenericKernel
    {
        /// <summary>Copies codes between the row-major layout of the public API ([row][c]) and the kernel's
        /// codebook-major chunks ([c][row]): 16 × 16 tiles by byte transposes, the ragged edges one byte at a time.</summary>
        /// <param name="source">Element (i, j) at i · <paramref name="sourceStride"/> + j.</param>
        /// <param name="sourceStride">Distance between source rows.</param>
        /// <param name="destination">Receives element (i, j) at j · <paramref name="destinationStride"/> + i.</param>
        /// <param name="destinationStride">Distance between destination rows.</param>
        /// <param name="rows">i runs over 0 .. rows − 1.</param>
        /// <param name="columns">j runs over 0 .. columns − 1.</param>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void TransposeCodes(ReadOnlySpan<byte> source, int sourceStride, Span<byte> destination, int destinationStride, int rows, int columns)
        {
            int tiledRows = 0, tiledColumns = 0;
            if (InstructionSet != KernelInstructionSet.Scalar && (Sse2.IsSupported || AdvSimd.Arm64.IsSupported))
            {
                tiledRows = rows / 16 * 16;
                tiledColumns = columns / 16 * 16;
                if (tiledRows > 0 && tiledColumns > 0)
                {
                    // The last byte any tile touches lies inside both spans: checked once, for the whole loop.
                    _ = source[(tiledRows - 1) * sourceStride + tiledColumns - 1];
                    _ = destination[(tiledColumns - 1) * destinationStride + tiledRows - 1];
                    TransposeTiles(source, sourceStride, destination, destinationStride, tiledRows, tiledColumns);
                }
                else
                {
                    tiledRows = tiledColumns = 0;
                }
            }

            for (int i = 0; i < rows; i++)
            {
                for (int j = i < tiledRows ? tiledColumns : 0; j < columns; j++)
                {
                    destination[j * destinationStride + i] = source[i * sourceStride + j];
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void TransposeTiles(ReadOnlySpan<byte> source, int sourceStride, Span<byte> destination, int destinationStride,
            int rows, int columns)
        {
            fixed (byte* ps = source)
            fixed (byte* pd = destination)
            {
                for (int i = 0; i < rows; i += 16)
                {
                    for (int j = 0; j < columns; j += 16)
                    {
                        Transpose16x16(ps + (nint)i * sourceStride + j, sourceStride, pd + (nint)j * destinationStride + i, destinationStride);
                    }
                }
            }
        }

        /// <summary>A 16 × 16 byte transpose in four rounds of interleaves (8, 16, 32, then 64 bits wide). Too big to
        /// inline; compiled optimised at once, since a tier-0 copy (every intrinsic a call) is many times slower.</summary>
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static unsafe void Transpose16x16(byte* source, nint sourceStride, byte* destination, nint destinationStride)
        {
            Vector128<byte> a0 = Vector128.Load(source + 0 * sourceStride);
            Vector128<byte> a1 = Vector128.Load(source + 1 * sourceStride);
            Vector128<byte> a2 = Vector128.Load(source + 2 * sourceStride);
            Vector128<byte> a3 = Vector128.Load(source + 3 * sourceStride);
            Vector128<byte> a4 = Vector128.Load(source + 4 * sourceStride);
            Vector128<byte> a5 = Vector128.Load(source + 5 * sourceStride);
            Vector128<byte> a6 = Vector128.Load(source + 6 * sourceStride);
            Vector128<byte> a7 = Vector128.Load(source + 7 * sourceStride);
            Vector128<byte> a8 = Vector128.Load(source + 8 * sourceStride);
            Vector128<byte> a9 = Vector128.Load(source + 9 * sourceStride);
            Vector128<byte> a10 = Vector128.Load(source + 10 * sourceStride);
            Vector128<byte> a11 = Vector128.Load(source + 11 * sourceStride);
            Vector128<byte> a12 = Vector128.Load(source + 12 * sourceStride);
            Vector128<byte> a13 = Vector128.Load(source + 13 * sourceStride);
            Vector128<byte> a14 = Vector128.Load(source + 14 * sourceStride);
            Vector128<byte> a15 = Vector128.Load(source + 15 * sourceStride);

            // b_{2p+h}: for columns 8h .. 8h + 7, the bytes of rows 2p, 2p + 1 as 16-bit element j − 8h.
            Vector128<byte> b0 = Zip8(a0, a1, false), b1 = Zip8(a0, a1, true);
            Vector128<byte> b2 = Zip8(a2, a3, false), b3 = Zip8(a2, a3, true);
            Vector128<byte> b4 = Zip8(a4, a5, false), b5 = Zip8(a4, a5, true);
            Vector128<byte> b6 = Zip8(a6, a7, false), b7 = Zip8(a6, a7, true);
            Vector128<byte> b8 = Zip8(a8, a9, false), b9 = Zip8(a8, a9, true);
            Vector128<byte> b10 = Zip8(a10, a11, false), b11 = Zip8(a10, a11, true);
            Vector128<byte> b12 = Zip8(a12, a13, false), b13 = Zip8(a12, a13, true);
            Vector128<byte> b14 = Zip8(a14, a15, false), b15 = Zip8(a14, a15, true);

            // c_qhl: 32-bit element k holds rows 4q .. 4q + 3 of column 8h + 4l + k.
            Vector128<byte> c000 = Zip16(b0, b2, false);
            Vector128<byte> c001 = Zip16(b0, b2, true);
            Vector128<byte> c010 = Zip16(b1, b3, false);
            Vector128<byte> c011 = Zip16(b1, b3, true);
            Vector128<byte> c100 = Zip16(b4, b6, false);
            Vector128<byte> c101 = Zip16(b4, b6, true);
            Vector128<byte> c110 = Zip16(b5, b7, false);
            Vector128<byte> c111 = Zip16(b5, b7, true);
            Vector128<byte> c200 = Zip16(b8, b10, false);
            Vector128<byte> c201 = Zip16(b8, b10, true);
            Vector128<byte> c210 = Zip16(b9, b11, false);
            Vector128<byte> c211 = Zip16(b9, b11, true);
            Vector128<byte> c300 = Zip16(b12, b14, false);
            Vector128<byte> c301 = Zip16(b12, b14, true);
            Vector128<byte> c310 = Zip16(b13, b15, false);
            Vector128<byte> c311 = Zip16(b13, b15, true);

            // d_shlm: 64-bit element k holds rows 8s .. 8s + 7 of column 8h + 4l + 2m + k.
            Vector128<byte> d0000 = Zip32(c000, c100, false);
            Vector128<byte> d0001 = Zip32(c000, c100, true);
            Vector128<byte> d0010 = Zip32(c001, c101, false);
            Vector128<byte> d0011 = Zip32(c001, c101, true);
            Vector128<byte> d0100 = Zip32(c010, c110, false);
            Vector128<byte> d0101 = Zip32(c010, c110, true);
            Vector128<byte> d0110 = Zip32(c011, c111, false);
            Vector128<byte> d0111 = Zip32(c011, c111, true);
            Vector128<byte> d1000 = Zip32(c200, c300, false);
            Vector128<byte> d1001 = Zip32(c200, c300, true);
            Vector128<byte> d1010 = Zip32(c201, c301, false);
            Vector128<byte> d1011 = Zip32(c201, c301, true);
            Vector128<byte> d1100 = Zip32(c210, c310, false);
            Vector128<byte> d1101 = Zip32(c210, c310, true);
            Vector128<byte> d1110 = Zip32(c211, c311, false);
            Vector128<byte> d1111 = Zip32(c211, c311, true);

            // Column 8h + 4l + 2m + k, all 16 rows.
            Zip64(d0000, d1000, false).Store(destination + 0 * destinationStride);
            Zip64(d0000, d1000, true).Store(destination + 1 * destinationStride);
            Zip64(d0001, d1001, false).Store(destination + 2 * destinationStride);
            Zip64(d0001, d1001, true).Store(destination + 3 * destinationStride);
            Zip64(d0010, d1010, false).Store(destination + 4 * destinationStride);
            Zip64(d0010, d1010, true).Store(destination + 5 * destinationStride);
            Zip64(d0011, d1011, false).Store(destination + 6 * destinationStride);
            Zip64(d0011, d1011, true).Store(destination + 7 * destinationStride);
            Zip64(d0100, d1100, false).Store(destination + 8 * destinationStride);
            Zip64(d0100, d1100, true).Store(destination + 9 * destinationStride);
            Zip64(d0101, d1101, false).Store(destination + 10 * destinationStride);
            Zip64(d0101, d1101, true).Store(destination + 11 * destinationStride);
            Zip64(d0110, d1110, false).Store(destination + 12 * destinationStride);
            Zip64(d0110, d1110, true).Store(destination + 13 * destinationStride);
            Zip64(d0111, d1111, false).Store(destination + 14 * destinationStride);
            Zip64(d0111, d1111, true).Store(destination + 15 * destinationStride);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<byte> Zip8(Vector128<byte> left, Vector128<byte> right, bool high)
        {
            if (Sse2.IsSupported)
            {
                return (high ? Sse2.UnpackHigh(left.AsByte(), right.AsByte()) : Sse2.UnpackLow(left.AsByte(), right.AsByte())).AsByte();
            }

            return (high ? AdvSimd.Arm64.ZipHigh(left.AsByte(), right.AsByte()) : AdvSimd.Arm64.ZipLow(left.AsByte(), right.AsByte())).AsByte();
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<byte> Zip16(Vector128<byte> left, Vector128<byte> right, bool high)
        {
            if (Sse2.IsSupported)
            {
                return (high ? Sse2.UnpackHigh(left.AsUInt16(), right.AsUInt16()) : Sse2.UnpackLow(left.AsUInt16(), right.AsUInt16())).AsByte();
            }

            return (high ? AdvSimd.Arm64.ZipHigh(left.AsUInt16(), right.AsUInt16()) : AdvSimd.Arm64.ZipLow(left.AsUInt16(), right.AsUInt16())).AsByte();
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<byte> Zip32(Vector128<byte> left, Vector128<byte> right, bool high)
        {
            if (Sse2.IsSupported)
            {
                return (high ? Sse2.UnpackHigh(left.AsUInt32(), right.AsUInt32()) : Sse2.UnpackLow(left.AsUInt32(), right.AsUInt32())).AsByte();
            }

            return (high ? AdvSimd.Arm64.ZipHigh(left.AsUInt32(), right.AsUInt32()) : AdvSimd.Arm64.ZipLow(left.AsUInt32(), right.AsUInt32())).AsByte();
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<byte> Zip64(Vector128<byte> left, Vector128<byte> right, bool high)
        {
            if (Sse2.IsSupported)
            {
                return (high ? Sse2.UnpackHigh(left.AsUInt64(), right.AsUInt64()) : Sse2.UnpackLow(left.AsUInt64(), right.AsUInt64())).AsByte();
            }

            return (high ? AdvSimd.Arm64.ZipHigh(left.AsUInt64(), right.AsUInt64()) : AdvSimd.Arm64.ZipLow(left.AsUInt64(), right.AsUInt64())).AsByte();
        }
    }
}
