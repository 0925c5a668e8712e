using KernelCompiler.Planning;
namespace KernelCompiler
{
    /// <summary>Options for <see cref="LutKernel.Compile"/> and <see cref="LutKernel.GenerateSource"/>.</summary>
    public sealed class LutKernelOptions
    {
        /// <summary>The widest instruction set the kernel may use. Auto lets the running CPU choose; a narrower
        /// choice keeps that path and every narrower one (so each path can be tested on a wider CPU).</summary>
        public KernelInstructionSet InstructionSet { get; set; } = KernelInstructionSet.Auto;

        /// <summary>Unrolled code (constants in code) or table-driven code (loops over data). Auto unrolls unless
        /// the model has too many codebooks.</summary>
        public KernelStrategy Strategy { get; set; } = KernelStrategy.Auto;

        internal KernelPlanOptions ToPlanOptions()
            => new KernelPlanOptions { InstructionSet = InstructionSet, Strategy = Strategy };
    }
}
