using System.Diagnostics.CodeAnalysis;
using KernelCompiler.Planning;

namespace KernelCompiler.Emit.Paths
{
    /// <summary>The scalar block path as IL (IlKernelEmitter.Steps.cs): the twin of <see cref="CSharpScalarPathWriter"/>.</summary>
    [RequiresDynamicCode("Emits IL.")]
    internal sealed class IlScalarPathEmitter : IlPathEmitter
    {
        public static readonly IlScalarPathEmitter Instance = new IlScalarPathEmitter();

        private IlScalarPathEmitter()
            : base(KernelPath.Scalar)
        {
        }

        public override void WriteEncodeGroup(IlKernelEmitter.Il il, KernelPlan plan) => IlKernelEmitter.WriteScalarEncodeGroup(il, plan);

        public override void WriteAggregateBlock(IlKernelEmitter.Il il, KernelPlan plan) => IlKernelEmitter.WriteScalarAggregateBlock(il, plan);
    }
}
