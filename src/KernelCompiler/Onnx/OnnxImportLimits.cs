namespace KernelCompiler
{
    /// <summary>
    /// Caps on what <see cref="OnnxImporter"/> reads. Protobuf parsing allocates for every field it meets, in
    /// proportion to the bytes that hold it, so the file size is capped before parsing; tensor sizes declared in the
    /// graph are checked against the bytes that hold them, and against <see cref="LutNetworkLimits"/>, before any
    /// weight array is allocated.
    /// </summary>
    public static class OnnxImportLimits
    {
        /// <summary>The largest ONNX file read: 512 MiB (a dense layer of the maximum
        /// <see cref="LutNetworkLimits.MaxDenseWeights"/> float32 weights takes 256 MiB).</summary>
        public const long MaxFileBytes = 1L << 29;

        /// <summary>The most nodes a graph may have.</summary>
        public const int MaxNodes = 4096;
    }
}
