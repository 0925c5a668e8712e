// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
namespace KernelCompiler
{
    /// <summary>What a network is meant to produce per row: its final outputs or the index of the largest.</summary>
    /// <remarks>Executors offer both (<see cref="NetworkExecutor.Multiply"/> and <see cref="NetworkExecutor.Predict"/>);
    /// the head records the caller's intent, so a compiler may stop at the argmax instead of writing logits.</remarks>
    public enum NetworkHead
    {
        /// <summary>The last layer's outputs (logits), M floats a row.</summary>
        Logits = 0,

        /// <summary>The class with the largest last-layer output, one integer a row.</summary>
        ArgMax = 1,
    }
}
