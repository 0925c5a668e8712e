using System;
using System.Runtime.InteropServices;

namespace KernelCompiler.Training
{
    /// <summary>
    /// A stable least-significant-digit radix sort of float keys carrying int items: three passes of 11, 11 and 10
    /// bits over the keys' bits mapped to an unsigned order, skipping a pass when every key has the same digit (pixel
    /// values, for instance, leave the low mantissa bits all zero). Several times faster than a comparison sort on the
    /// column lengths the trainer sorts, and its order does not depend on anything but the input.
    /// </summary>
    internal static class FloatRadixSort
    {
        private const int Radix = 1 << 11;

        /// <summary>Sorts <paramref name="keys"/> ascending, moving <paramref name="items"/> with them; equal keys
        /// keep their order. −0 sorts before +0. Keys must not be NaN (the trainer rejects non-finite data).</summary>
        /// <param name="keys">The keys, sorted in place.</param>
        /// <param name="items">One item per key, permuted in place.</param>
        /// <param name="keyScratch">At least as long as <paramref name="keys"/>.</param>
        /// <param name="itemScratch">At least as long as <paramref name="keys"/>.</param>
        public static void Sort(Span<float> keys, Span<int> items, Span<uint> keyScratch, Span<int> itemScratch)
        {
            int n = keys.Length;
            if (items.Length != n || keyScratch.Length < n || itemScratch.Length < n)
            {
                throw new ArgumentException("Items and scratch must match the keys' length.");
            }

            if (n < 2)
            {
                return;
            }

            Span<uint> source = MemoryMarshal.Cast<float, uint>(keys);
            Span<uint> target = keyScratch.Slice(0, n);
            Span<int> sourceItems = items, targetItems = itemScratch.Slice(0, n);
            var counts = new int[3 * Radix];
            for (int i = 0; i < n; i++)
            {
                uint u = ToOrdered(source[i]);
                source[i] = u;
                counts[(int)(u & 0x7FF)]++;
                counts[Radix + (int)((u >> 11) & 0x7FF)]++;
                counts[2 * Radix + (int)(u >> 22)]++;
            }

            bool swapped = false;
            for (int pass = 0; pass < 3; pass++)
            {
                Span<int> offsets = counts.AsSpan(pass * Radix, Radix);
                int shift = 11 * pass;
                if (offsets[(int)((source[0] >> shift) & 0x7FF)] == n)
                {
                    continue; // every key has this digit: the pass would not move anything
                }

                int total = 0;
                for (int d = 0; d < Radix; d++)
                {
                    int count = offsets[d];
                    offsets[d] = total;
                    total += count;
                }

                for (int i = 0; i < n; i++)
                {
                    uint u = source[i];
                    int at = offsets[(int)((u >> shift) & 0x7FF)]++;
                    target[at] = u;
                    targetItems[at] = sourceItems[i];
                }

                Swap(ref source, ref target);
                Swap(ref sourceItems, ref targetItems);
                swapped = !swapped;
            }

            if (swapped)
            {
                source.CopyTo(target);
                sourceItems.CopyTo(targetItems);
                source = target;
            }

            for (int i = 0; i < n; i++)
            {
                source[i] = FromOrdered(source[i]);
            }
        }

        // Float bits → an unsigned integer with the same order: negative floats have all bits flipped (their magnitude
        // order reverses), non-negative ones only the sign bit set.
        private static uint ToOrdered(uint bits) => bits ^ ((uint)((int)bits >> 31) | 0x80000000u);

        private static uint FromOrdered(uint u) => (u & 0x80000000u) != 0 ? u ^ 0x80000000u : ~u;

        private static void Swap<T>(ref Span<T> a, ref Span<T> b)
        {
            Span<T> t = a;
            a = b;
            b = t;
        }
    }
}
