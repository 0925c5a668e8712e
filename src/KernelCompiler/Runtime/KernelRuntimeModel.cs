using System;
using System.ComponentModel;

namespace KernelCompiler.Runtime
{
    /// <summary>
    /// The shape and data of one model that <see cref="BlockKernelRuntime"/> and <see cref="FusedKernelRuntime"/> read
    /// besides a kernel's steps: D, C, M, the aggregation, the split dimensions, the tables and the dequantisation.
    /// Generated kernels create one per class, emitted kernels one per kernel. Not meant to be used by hand.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public sealed class KernelRuntimeModel
    {
        /// <summary>The runtime contract this build speaks; generated code passes the one it was written for, and a
        /// runtime that does not speak it refuses to run the kernel instead of misreading its steps. Every path's steps
        /// carry their model (<see cref="IBlockKernelSteps.Model"/>, <see cref="IFusedKernelSteps.Model"/>), so no kernel
        /// reaches the runtime without this check. 2: steps carry the model; one entry point per runtime.</summary>
        public const int ContractVersion = 2;

        private readonly int[] _slotDimensions;
        private readonly byte[] _tables;
        private readonly float[] _steps;
        private readonly float[] _offsets;

        /// <summary>Checks the arguments against one another and copies the data.</summary>
        /// <param name="contractVersion">The runtime contract the caller was written for (<see cref="ContractVersion"/>).</param>
        /// <param name="inputDimension">D: values per input row.</param>
        /// <param name="codebooks">C: codes per row.</param>
        /// <param name="outputDimension">M: values per output row.</param>
        /// <param name="aggregation">How the looked-up bytes are combined.</param>
        /// <param name="slotDimensions">The input column of each slot (distinct split dimension), each below D.</param>
        /// <param name="tables">The tables, [output][codebook][bucket]: M · C · 16 bytes.</param>
        /// <param name="steps">Dequantisation steps, one per output.</param>
        /// <param name="offsets">Dequantisation offsets, one per output.</param>
        /// <exception cref="NotSupportedException">The contract version is not this runtime's.</exception>
        /// <exception cref="ArgumentException">The shape and the data disagree.</exception>
        public KernelRuntimeModel(int contractVersion, int inputDimension, int codebooks, int outputDimension,
            LutAggregation aggregation, ReadOnlySpan<int> slotDimensions, ReadOnlySpan<byte> tables,
            ReadOnlySpan<float> steps, ReadOnlySpan<float> offsets)
        {
            if (contractVersion != ContractVersion)
            {
                throw new NotSupportedException("This kernel was generated for runtime contract " + contractVersion +
                    " but the KernelCompiler library it runs with speaks contract " + ContractVersion +
                    ": regenerate the kernel with the KernelCompiler version the project references.");
            }

            if (inputDimension <= 0 || codebooks <= 0 || outputDimension <= 0)
            {
                throw new ArgumentException("D = " + inputDimension + ", C = " + codebooks + " and M = " + outputDimension +
                    " must all be positive.");
            }

            foreach (int d in slotDimensions)
            {
                if ((uint)d >= (uint)inputDimension)
                {
                    throw new ArgumentException("Slot dimension " + d + " is outside 0.." + (inputDimension - 1) + ".", nameof(slotDimensions));
                }
            }

            Check(tables.Length, (long)outputDimension * codebooks * 16, nameof(tables));
            Check(steps.Length, outputDimension, nameof(steps));
            Check(offsets.Length, outputDimension, nameof(offsets));
            InputDimension = inputDimension;
            Codebooks = codebooks;
            OutputDimension = outputDimension;
            Aggregation = aggregation;
            _slotDimensions = slotDimensions.ToArray();
            _tables = tables.ToArray();
            _steps = steps.ToArray();
            _offsets = offsets.ToArray();
        }

        /// <summary>D: values per input row.</summary>
        public int InputDimension { get; }

        /// <summary>C: codes per row.</summary>
        public int Codebooks { get; }

        /// <summary>M: values per output row.</summary>
        public int OutputDimension { get; }

        /// <summary>How the looked-up bytes are combined.</summary>
        public LutAggregation Aggregation { get; }

        internal bool IsAverage => Aggregation == LutAggregation.Average;

        internal ReadOnlySpan<int> SlotDimensions => _slotDimensions;

        internal byte[] Tables => _tables;

        internal ReadOnlySpan<float> Steps => _steps;

        internal ReadOnlySpan<float> Offsets => _offsets;

        /// <summary>The rows of <paramref name="x"/>.</summary>
        /// <exception cref="ArgumentException"><paramref name="x"/> is not a whole number of rows.</exception>
        public int RowsOf(ReadOnlySpan<float> x)
        {
            if (x.Length % InputDimension != 0)
            {
                throw new ArgumentException(
                    "Input length " + x.Length + " is not a whole number of rows of " + InputDimension + " values.", nameof(x));
            }

            return x.Length / InputDimension;
        }

        /// <summary>The rows of <paramref name="codes"/>. A code outside 0..15 would index past a 16-entry table: refused
        /// here, so no step has to.</summary>
        /// <exception cref="ArgumentException">Not a whole number of rows, or a code above 15.</exception>
        public int CheckCodes(ReadOnlySpan<byte> codes)
        {
            if (codes.Length % Codebooks != 0)
            {
                throw new ArgumentException(
                    "Codes length " + codes.Length + " is not a whole number of rows of " + Codebooks + " codes.", nameof(codes));
            }

            int bad = codes.IndexOfAnyInRange((byte)16, byte.MaxValue);
            if (bad >= 0)
            {
                throw new ArgumentException(
                    "Code " + codes[bad] + " at index " + bad + " is outside 0..15.", nameof(codes));
            }

            return codes.Length / Codebooks;
        }

        /// <summary>Checks that a destination of <paramref name="length"/> elements holds <paramref name="required"/>.</summary>
        /// <exception cref="ArgumentException">It does not.</exception>
        public void CheckDestination(int length, long required, string name)
        {
            if (length < required)
            {
                throw new ArgumentException(
                    "Destination is too short: " + length + " elements for " + required + " results.", name);
            }
        }

        private static void Check(int length, long required, string name)
        {
            if (length != required)
            {
                throw new ArgumentException(name + " has " + length + " elements; the shape needs " + required + ".", name);
            }
        }
    }
}
