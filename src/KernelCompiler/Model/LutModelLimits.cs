// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
namespace KernelCompiler
{
    /// <summary>
    /// Caps checked before anything is allocated, so a hostile file cannot ask for gigabytes. The integer sum of
    /// C table entries must fit in 16 bits (C × 255 ≤ 65535), which bounds C at 257; we take 256.
    /// </summary>
    public static class LutModelLimits
    {
        /// <summary>The largest D, input columns.</summary>
        public const int MaxInputDimension = 1 << 20;
        /// <summary>The largest M, outputs.</summary>
        public const int MaxOutputDimension = 1 << 16;
        /// <summary>The largest C: 256 codebooks keep an exact sum of table entries within 16 bits.</summary>
        public const int MaxCodebooks = 256;
        /// <summary>The most table bytes (M × C × 16) a model may hold.</summary>
        public const long MaxTableBytes = 1L << 28;
        /// <summary>The most prototype values (C × 16 × D) a model may hold, and training may allocate.</summary>
        public const long MaxPrototypeValues = 1L << 26;
        /// <summary>The largest model file read.</summary>
        public const long MaxFileBytes = 1L << 30;
        /// <summary>The deepest nesting of JSON arrays and objects read.</summary>
        public const int MaxJsonDepth = 32;
        /// <summary>The longest model name, in characters.</summary>
        public const int MaxNameLength = 256;
    }
}
