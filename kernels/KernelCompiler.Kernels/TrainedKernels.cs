namespace KernelCompiler.Kernels
{
    /// <summary>Logistic regression on 8×8 digit images (D = 64, M = 10) with 16 codebooks; 94.4 % test accuracy
    /// (exact 96.4 %). Trained by <c>kernelc train</c> on the digits set (UCI optdigits, CC BY 4.0).</summary>
    [LutKernel("../models/digits.lut.json")]
    public static partial class DigitsKernel
    {
    }

    /// <summary>The last layer of an MNIST MLP (D = 512 post-ReLU features, M = 10 classes) with 16 codebooks;
    /// 97.14 % test accuracy (exact 98.20 %).</summary>
    [LutKernel("../models/mnist-c16.lut.json")]
    public static partial class MnistC16Kernel
    {
    }

    /// <summary>The same trees and tables as <see cref="MnistC16Kernel"/> with average aggregation (docs/algorithm.md §2, what
    /// the trainer makes with <c>Aggregation = Average</c>); 97.19 % test accuracy.</summary>
    [LutKernel("../models/mnist-c16-average.lut.json")]
    public static partial class MnistC16AverageKernel
    {
    }

    /// <summary>The same MNIST layer with 32 codebooks; 97.71 % test accuracy (exact 98.20 %).</summary>
    [LutKernel("../models/mnist-c32.lut.json")]
    public static partial class MnistC32Kernel
    {
    }

    /// <summary>3×3 image filters as a product (im2col rows, D = 27): horizontal and vertical Sobel and a Gaussian
    /// blur (M = 3) with 16 codebooks, trained on 23 photographs.</summary>
    [LutKernel("../models/photos-sobel-gauss.lut.json")]
    public static partial class PhotosSobelGaussKernel
    {
    }
}
