// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
namespace KernelCompiler
{
    /// <summary>A trailing normalisation the source graph applied to the last layer's outputs. It is recorded, not
    /// applied: both are strictly increasing per row, so the argmax is the same with or without them, and every
    /// executor returns the values before the transform.</summary>
    public enum NetworkOutputTransform
    {
        /// <summary>The graph ended at the last layer.</summary>
        None = 0,

        /// <summary>The graph ended in <c>Softmax</c> over the last axis.</summary>
        Softmax = 1,

        /// <summary>The graph ended in <c>LogSoftmax</c> over the last axis.</summary>
        LogSoftmax = 2,
    }
}
