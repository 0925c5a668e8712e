using System;
using System.Collections.Generic;

namespace KernelCompiler.Kernels
{
    /// <summary>
    /// The source-generated kernels of this assembly as <see cref="LutKernel"/> objects, found by the hash of the model
    /// they were generated from: what <c>kernelc --backend generated</c> runs. Bound through delegates to the static
    /// members, so no reflection is involved.
    /// </summary>
    public static class ShippedKernels
    {
        private static readonly Entry[] All =
        {
            new(DigitsKernel.ModelSha256, "DigitsKernel", DigitsKernel.Encode, DigitsKernel.EncodeColumnMajor, DigitsKernel.Aggregate,
                DigitsKernel.Multiply, DigitsKernel.MultiplyColumnMajor, DigitsKernel.Multiply),
            new(MnistC16Kernel.ModelSha256, "MnistC16Kernel", MnistC16Kernel.Encode, MnistC16Kernel.EncodeColumnMajor, MnistC16Kernel.Aggregate,
                MnistC16Kernel.Multiply, MnistC16Kernel.MultiplyColumnMajor, MnistC16Kernel.Multiply),
            new(MnistC16AverageKernel.ModelSha256, "MnistC16AverageKernel", MnistC16AverageKernel.Encode, MnistC16AverageKernel.EncodeColumnMajor,
                MnistC16AverageKernel.Aggregate, MnistC16AverageKernel.Multiply, MnistC16AverageKernel.MultiplyColumnMajor, MnistC16AverageKernel.Multiply),
            new(MnistC32Kernel.ModelSha256, "MnistC32Kernel", MnistC32Kernel.Encode, MnistC32Kernel.EncodeColumnMajor, MnistC32Kernel.Aggregate,
                MnistC32Kernel.Multiply, MnistC32Kernel.MultiplyColumnMajor, MnistC32Kernel.Multiply),
            new(PhotosSobelGaussKernel.ModelSha256, "PhotosSobelGaussKernel", PhotosSobelGaussKernel.Encode, PhotosSobelGaussKernel.EncodeColumnMajor,
                PhotosSobelGaussKernel.Aggregate, PhotosSobelGaussKernel.Multiply, PhotosSobelGaussKernel.MultiplyColumnMajor, PhotosSobelGaussKernel.Multiply),
            new(RandomSmallKernel.ModelSha256, "RandomSmallKernel", RandomSmallKernel.Encode, RandomSmallKernel.EncodeColumnMajor, RandomSmallKernel.Aggregate,
                RandomSmallKernel.Multiply, RandomSmallKernel.MultiplyColumnMajor, RandomSmallKernel.Multiply),
            new(RandomAverageKernel.ModelSha256, "RandomAverageKernel", RandomAverageKernel.Encode, RandomAverageKernel.EncodeColumnMajor,
                RandomAverageKernel.Aggregate, RandomAverageKernel.Multiply, RandomAverageKernel.MultiplyColumnMajor, RandomAverageKernel.Multiply),
        };

        /// <summary>The class names of the shipped kernels.</summary>
        public static IEnumerable<string> Names
        {
            get
            {
                foreach (Entry entry in All) yield return entry.Name;
            }
        }

        /// <summary>The generated kernel for <paramref name="model"/>, or null when this assembly has none for it.</summary>
        public static LutKernel? Find(LutModel model)
        {
            if (model is null) throw new ArgumentNullException(nameof(model));
            string hash = model.ComputeSha256();
            foreach (Entry entry in All)
            {
                if (entry.Sha256 == hash) return new GeneratedLutKernel(model, entry);
            }

            return null;
        }

        private sealed record Entry(
            string Sha256,
            string Name,
            Action<ReadOnlySpan<float>, Span<byte>> Encode,
            Action<ReadOnlySpan<float>, Span<byte>> EncodeColumnMajor,
            Action<ReadOnlySpan<byte>, Span<int>> Aggregate,
            Action<ReadOnlySpan<float>, Span<float>> Multiply,
            Action<ReadOnlySpan<float>, Span<float>> MultiplyColumnMajor,
            Action<ReadOnlySpan<byte>, Span<float>> MultiplyCodes);

        // The base class has checked the arguments; the generated members check them again, cheaply.
        private sealed class GeneratedLutKernel(LutModel model, Entry entry) : LutKernel(model)
        {
            public override string Backend => "generated";

            protected override void EncodeCore(ReadOnlySpan<float> x, int rows, Span<byte> codes, bool columnMajor)
                => (columnMajor ? entry.EncodeColumnMajor : entry.Encode)(x, codes.Slice(0, rows * Codebooks));

            protected override void AggregateCore(ReadOnlySpan<byte> codes, int rows, Span<int> sums)
                => entry.Aggregate(codes, sums.Slice(0, rows * OutputDimension));

            protected override void MultiplyCore(ReadOnlySpan<float> x, int rows, Span<float> destination, bool columnMajor)
                => (columnMajor ? entry.MultiplyColumnMajor : entry.Multiply)(x, destination.Slice(0, rows * OutputDimension));

            protected override void MultiplyCodesCore(ReadOnlySpan<byte> codes, int rows, Span<float> destination)
                => entry.MultiplyCodes(codes, destination.Slice(0, rows * OutputDimension));
        }
    }
}
