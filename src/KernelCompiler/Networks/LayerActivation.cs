// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
namespace KernelCompiler
{
    /// <summary>The elementwise function applied to every output of a <see cref="NetworkLayer"/>.</summary>
    /// <remarks>Every executor applies it exactly as <see cref="NetworkLayer.Activate(float)"/> does, so their outputs
    /// agree bit for bit.</remarks>
    public enum LayerActivation
    {
        /// <summary>The output is passed on unchanged.</summary>
        Identity = 0,

        /// <summary><c>max(v, 0)</c>: a positive value passes, anything else (−0 and negatives) becomes +0; NaN stays
        /// NaN.</summary>
        Relu = 1,
    }
}
