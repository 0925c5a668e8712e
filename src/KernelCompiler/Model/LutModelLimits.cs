namespace KernelCompiler
{
    /// <summary>
    /// Caps checked before anything is allocated, so a hostile file cannot ask for gigabytes. The integer sum of
    /// C table entries must fit in 16 bits (C × 255 ≤ 65535), which bounds C at 257; we take 256.
    /// </summary>
    public static class LutModelLimits
    {
        public const int MaxInputDimension = 1 << 20;
        public const int MaxOutputDimension = 1 << 16;
        public const int MaxCodebooks = 256;
        public const long MaxTableBytes = 1L << 28;
        public const long MaxPrototypeValues = 1L << 26;
        public const long MaxFileBytes = 1L << 30;
        public const int MaxJsonDepth = 32;
        public const int MaxNameLength = 256;
    }
}
