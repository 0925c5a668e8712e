// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System;
using System.Collections.Generic;
using KernelCompiler.Runtime;

namespace KernelCompiler.Planning
{
    /// <summary>
    /// How the fused path reads row-major input, decided once for both emitters. A tile's 16 rows are read row by row:
    /// the row's values of the distinct split dimensions (the plan's slots, ascending) are packed into slot vectors of
    /// 16 (slot s in vector s / 16, lane s % 16), each made of one permute per <see cref="RowWindow"/>, a run of 16 or
    /// 32 consecutive floats of the row holding some of its dimensions. A 16 × 16 transpose of each slot vector's 16
    /// rows then leaves slot s of the tile's rows in one vector at <c>slots[16 · s]</c>, which the tree walk reads as
    /// it reads column-major input. Whole rows pass through the cache anyway (a 64-byte line holds 16 floats), so the
    /// work per row is a few permutes per slot vector instead of 16 scalar loads per slot.
    /// </summary>
    /// <remarks>
    /// Windows start at a multiple of 16 (the row's 64-byte blocks when D is a multiple of 16), moved back to end at
    /// the row's end where they would pass it, so every load stays inside its row: no read past the last row of x.
    /// A phase plan (<see cref="ForPhase"/>) covers instead the 64-byte lines around a row that starts off a line; the
    /// runtime uses it only where those lines are inside x.
    /// A row of fewer than 16 floats holds no window; the emitters read such rows value by value.
    /// Linked into the netstandard2.0 generator: keep it free of APIs newer than netstandard2.0.
    /// </remarks>
    internal sealed class RowGather
    {
        /// <summary>Floats per window of one vector load; two loads make a window of 32.</summary>
        public const int BlockFloats = 16;

        private readonly int[] _slotDimensions;

        /// <summary>How far ahead the encoder asks for the lines it will read: the same row of the next tile.</summary>
        public const int PrefetchRows = 16;

        private RowGather(int inputDimension, int[] slotDimensions, RowWindow[][] windows, int phase)
        {
            _slotDimensions = slotDimensions;
            Phase = phase;
            Windows = windows;
            var lines = new SortedSet<int>();
            foreach (RowWindow[] vector in windows)
            {
                foreach (RowWindow window in vector)
                {
                    int end = window.Start + (window.TwoBlocks ? 2 * BlockFloats : BlockFloats);
                    for (int line = window.Start / (2 * BlockFloats) * (2 * BlockFloats); line < end; line += 2 * BlockFloats) lines.Add(line);
                }
            }

            PrefetchOffsets = new int[lines.Count];
            int i = 0;
            foreach (int line in lines) PrefetchOffsets[i++] = PrefetchRows * inputDimension + line;
        }

        /// <summary>Where the row starts from the 64-byte line its windows start on, in floats: 0 (windows start at
        /// the row's own multiples of 16 and stay inside the row) or one of the runtime's <see cref="RowPhases"/> (windows are the
        /// row's 64-byte lines, from the line holding its first float to the one holding its last).</summary>
        public int Phase { get; }

        /// <summary>Whether rows of <paramref name="inputDimension"/> floats hold a window (D ≥ 16).</summary>
        public static bool Applies(int inputDimension) => inputDimension >= BlockFloats;

        /// <summary>The distinct split dimensions gathered.</summary>
        public int Slots => _slotDimensions.Length;

        /// <summary>Slot vectors: ⌈slots / 16⌉; the scratch of a tile is 256 floats per vector.</summary>
        public int SlotVectors => Windows.Length;

        /// <summary>[vector]: the windows that fill it, in order; the first writes every lane, each later one only its
        /// own lanes.</summary>
        public RowWindow[][] Windows { get; }

        /// <summary>Offsets from a row's first float of the prefetches made while the row is read: for every
        /// 128-byte-aligned pair of lines its windows touch (the L2 fetches a line's neighbour with it), the same pair
        /// <see cref="PrefetchRows"/> rows on. Row by row the hardware prefetcher alone runs too short a distance
        /// ahead of the encoder to keep enough lines in flight (docs/kernel-design.md); a prefetch is a hint that
        /// never faults, so one past the end of x reads nothing.</summary>
        public int[] PrefetchOffsets { get; }

        /// <summary>The slot of a split dimension: where its values sit after the transpose (at 16 · slot).</summary>
        public int SlotOf(int dimension) => Array.BinarySearch(_slotDimensions, dimension);

        /// <summary>The gather of <paramref name="plan"/>'s slots, or null where D is below 16.</summary>
        public static RowGather? For(KernelPlan plan)
            => Applies(plan.InputDimension) ? Create(plan.InputDimension, plan.SlotDimensions) : null;

        /// <summary>The gather of <paramref name="plan"/>'s slots for rows starting <paramref name="phase"/> floats after
        /// a 64-byte line (one of the runtime's <see cref="RowPhases.All"/>): the windows of a row of D + 16 floats starting at that line,
        /// holding dimension d at d + phase. Its loads read up to <paramref name="phase"/> floats before the row and
        /// 16 − phase after it: the caller runs it only on rows that have them inside the input.</summary>
        public static RowGather ForPhase(KernelPlan plan, int phase)
        {
            if (!RowPhases.IsLinePhase(plan.InputDimension, phase))
            {
                throw new ArgumentOutOfRangeException(nameof(phase), phase, "Not a phase planned for D = " + plan.InputDimension + ".");
            }

            return Create(plan.InputDimension, plan.SlotDimensions, phase);
        }

        /// <summary>Covers each slot vector's dimensions (ascending) greedily with windows: a window starts at the
        /// first dimension not yet covered, rounded down to a multiple of 16 and moved back so that it ends inside the
        /// row; it takes every following dimension it holds. 32 floats wide where D ≥ 32 (then narrowed to the one
        /// block its dimensions lie in, if they do), otherwise 16.</summary>
        public static RowGather Create(int inputDimension, int[] slotDimensions) => Create(inputDimension, slotDimensions, 0);

        internal static RowGather Create(int inputDimension, int[] slotDimensions, int phase)
        {
            if (!Applies(inputDimension))
            {
                throw new ArgumentOutOfRangeException(nameof(inputDimension), inputDimension, "Rows narrower than 16 floats hold no window.");
            }

            // With a phase the windows cover the row's lines: a row of D + 16 floats from the line before it.
            int rowFloats = phase == 0 ? inputDimension : inputDimension + BlockFloats;
            int width = rowFloats >= 2 * BlockFloats ? 2 * BlockFloats : BlockFloats;
            int vectors = (slotDimensions.Length + 15) / 16;
            var all = new RowWindow[vectors][];
            for (int k = 0; k < vectors; k++)
            {
                int first = k * 16, count = Math.Min(16, slotDimensions.Length - first);
                var windows = new List<RowWindow>();
                for (int lane = 0; lane < count;)
                {
                    int d = slotDimensions[first + lane] + phase;
                    int start = Math.Min(d / BlockFloats * BlockFloats, rowFloats - width);
                    int end = lane;
                    while (end < count && slotDimensions[first + end] + phase < start + width) end++;

                    bool twoBlocks = width > BlockFloats;
                    if (twoBlocks && slotDimensions[first + end - 1] + phase < start + BlockFloats)
                    {
                        twoBlocks = false; // all in the first block
                    }
                    else if (twoBlocks && d >= start + BlockFloats)
                    {
                        twoBlocks = false; // all in the second block
                        start += BlockFloats;
                    }

                    var index = new int[16];
                    var lanes = new bool[16];
                    for (int l = lane; l < end; l++)
                    {
                        index[l] = slotDimensions[first + l] + phase - start;
                        lanes[l] = true;
                    }

                    windows.Add(new RowWindow(start, twoBlocks, index, lanes));
                    lane = end;
                }

                all[k] = windows.ToArray();
            }

            return new RowGather(inputDimension, slotDimensions, all, phase);
        }
    }

    /// <summary>One permute of a slot vector: the floats <see cref="Start"/> .. + 16 (or + 32) of a row, lane l of the
    /// result taking float <c>Index[l]</c> of them; only the lanes in <see cref="Lanes"/> are this window's.</summary>
    internal sealed class RowWindow
    {
        public RowWindow(int start, bool twoBlocks, int[] index, bool[] lanes)
        {
            Start = start;
            TwoBlocks = twoBlocks;
            Index = index;
            Lanes = lanes;
        }

        /// <summary>The first float of the window in its row.</summary>
        public int Start { get; }

        /// <summary>32 floats (two loads, vpermt2ps) rather than 16 (one load, vpermps).</summary>
        public bool TwoBlocks { get; }

        /// <summary>[lane]: the float of the window that lane takes (0 in lanes that are not this window's).</summary>
        public int[] Index { get; }

        /// <summary>[lane]: whether the lane is this window's.</summary>
        public bool[] Lanes { get; }

        /// <summary>One block whose floats are already in lane order (lanes not this window's do not matter when it is
        /// the vector's only window): a plain load, no permute.</summary>
        public bool IsPlainLoad(bool only)
        {
            if (TwoBlocks)
            {
                return false;
            }

            for (int l = 0; l < 16; l++)
            {
                if (Lanes[l] ? Index[l] != l : !only)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The lane mask as 16 ints: −1 for this window's lanes, 0 for the others.</summary>
        public int[] MaskLanes()
        {
            var mask = new int[16];
            for (int l = 0; l < 16; l++) mask[l] = Lanes[l] ? -1 : 0;
            return mask;
        }
    }
}
