// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
namespace KernelCompiler
{
    /// <summary>
    /// Caps on a <see cref="LutNetwork"/>, checked before anything is allocated so that a hostile network file or
    /// ONNX graph cannot ask for gigabytes. Dimensions of dense layers share the caps of
    /// <see cref="LutModelLimits"/>; the file itself is capped at <see cref="LutModelLimits.MaxFileBytes"/>.
    /// </summary>
    public static class LutNetworkLimits
    {
        /// <summary>The most layers a network may have.</summary>
        public const int MaxLayers = 64;

        /// <summary>The most weights (inputs × outputs) one dense layer may have: 2^26 float32 values, 256 MiB.</summary>
        public const long MaxDenseWeights = 1L << 26;

        /// <summary>The most axes the input shape may have after the batch axis.</summary>
        public const int MaxInputRank = 8;
    }
}
