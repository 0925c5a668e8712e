// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
namespace KernelCompiler.Planning
{
    /// <summary>What a caller may decide about a plan; everything else the planner decides from the model.</summary>
    /// <remarks>Linked into the netstandard2.0 generator: keep it free of newer APIs.</remarks>
    internal sealed class KernelPlanOptions
    {
        /// <summary>The widest path to emit. Auto emits every path (the running CPU picks one through the
        /// IsSupported guards); a narrower choice emits that path and every narrower one.</summary>
        public KernelInstructionSet InstructionSet { get; set; } = KernelInstructionSet.Auto;

        /// <summary>Auto unrolls normal models and switches large ones to table-driven code.</summary>
        public KernelStrategy Strategy { get; set; } = KernelStrategy.Auto;
    }
}
