using System.Runtime.CompilerServices;

namespace KernelCompiler.Generic
{
    internal sealed partial class GenericKernel
    {
        /// <summary>
        /// What one vector width contributes to the generic kernel, in the style of TensorPrimitives' operator
        /// structs: the loops (<see cref="EncodeVectors{TWidth, TVector, TLayout}"/>, ScanBlock
        /// and the fused tiles) are written once over a struct implementing this, and the JIT compiles them once per
        /// width with every call below inlined. <typeparamref name="TVector"/> is the width's vector of bytes; the
        /// operations say how they read its lanes. An instance holds one codebook's thresholds for encoding.
        /// </summary>
        /// <remarks>Adding a width is adding one struct (see GenericKernel.Avx512.cs, .Avx2.cs, .Vector128.cs).</remarks>
        private unsafe interface IWidth<TSelf, TVector>
            where TSelf : struct, IWidth<TSelf, TVector>
            where TVector : struct
        {
            /// <summary>Rows per block: one code byte per row fills one vector.</summary>
            static abstract int Rows { get; }

            /// <summary>The codebook's thresholds as the encoder needs them, from its 16-float 1-based heap.</summary>
            static abstract TSelf Tree(float* heap);

            /// <summary>Codes (0..15) of <see cref="Rows"/> rows from <paramref name="row"/> on, stored at
            /// <paramref name="codes"/>. The x pointers are the codebook's four split columns at the chunk's first
            /// row; row-major rows are <paramref name="d"/> floats apart.</summary>
            void Encode<TLayout>(float* x0, float* x1, float* x2, float* x3, int row, nint d, byte* codes)
                where TLayout : struct, ILayout;

            /// <summary>One block's codes of one codebook.</summary>
            static abstract TVector Load(byte* codes);

            /// <summary>Every lane's entry of the 16-byte <paramref name="table"/> at its code (in-lane byte shuffle).</summary>
            static abstract TVector Lookup(byte* table, TVector codes);

            /// <summary>Rounding average (a + b + 1) >> 1 of unsigned bytes.</summary>
            static abstract TVector Average(TVector a, TVector b);

            /// <summary>a + b in uint16 lanes (mod 2^16).</summary>
            static abstract TVector Add(TVector a, TVector b);

            /// <summary>Each uint16 lane shifted right by 8: the odd row's byte.</summary>
            static abstract TVector High(TVector v);

            /// <summary>Stores one output's <see cref="Rows"/> results in row order at <paramref name="stage"/>, given
            /// the accumulators of the odd rows (<paramref name="odd"/>, exact) and of the whole uint16 lanes
            /// (<paramref name="both"/> = even + 256 · odd mod 2^16), finished by <paramref name="finish"/>.</summary>
            static abstract void Stage(TVector both, TVector odd, in Finish finish, int* stage);

            /// <summary>Copies the staged outputs <paramref name="firstOutput"/> .. + <paramref name="outputs"/> − 1
            /// ([output][row], rows <see cref="Rows"/> apart) into the first <paramref name="count"/> rows of the
            /// row-major <paramref name="destination"/> (M = <paramref name="m"/>), writing nothing else.</summary>
            static abstract void WriteStage(int* stage, int count, int firstOutput, int outputs, int* destination, int m);
        }

        /// <summary>How one output's sums are finished: the average correction G · U − bias, then (dequantize) one
        /// fused multiply-add, the result returned as float bits.</summary>
        private readonly struct Finish
        {
            public readonly bool Average;
            public readonly int Log2Group;
            public readonly int Bias;
            public readonly bool Dequantize;
            public readonly float Step;
            public readonly float Offset;

            public Finish(bool average, int log2Group, int bias, bool dequantize, float step, float offset)
            {
                Average = average;
                Log2Group = log2Group;
                Bias = bias;
                Dequantize = dequantize;
                Step = step;
                Offset = offset;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Finish FinishOf(int output, bool dequantize)
            => new(_average, _log2Group, _bias, dequantize, _steps[output], _offsets[output]);
    }
}
