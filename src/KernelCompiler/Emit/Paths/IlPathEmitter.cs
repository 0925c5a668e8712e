using System;
using System.Diagnostics.CodeAnalysis;
using KernelCompiler.Planning;

namespace KernelCompiler.Emit.Paths
{
    /// <summary>
    /// One block path's steps as IL: the twin of <see cref="CSharpPathWriter"/>, member for member. The vector paths
    /// share their steps (<see cref="IlVectorPathEmitter"/>: emitted once in IlKernelEmitter.Steps.cs, asking the path
    /// for its instructions); the scalar path emits its own. Adding a block path is adding a subclass here and its
    /// twin there, and a line in <see cref="For"/>.
    /// </summary>
    [RequiresDynamicCode("Emits IL.")]
    internal abstract class IlPathEmitter
    {
        protected IlPathEmitter(KernelPath path)
        {
            Path = path;
        }

        /// <summary>The path this emits.</summary>
        public KernelPath Path { get; }

        /// <summary>The emitter of each block path: the one place a path is mapped to its IL.</summary>
        public static IlPathEmitter For(KernelPath path)
        {
            switch (path.InstructionSet)
            {
                case KernelInstructionSet.Avx512:
                    return IlAvx512PathEmitter.Instance;
                case KernelInstructionSet.Avx2:
                    return IlAvx2PathEmitter.Instance;
                case KernelInstructionSet.Vector128:
                    return IlVector128PathEmitter.Instance;
                case KernelInstructionSet.Scalar:
                    return IlScalarPathEmitter.Instance;
                default:
                    throw new ArgumentException("No block-path emitter for the " + path.Name + " path.", nameof(path));
            }
        }

        /// <summary>Emits the body of the steps type's <c>EncodeGroup</c> (without the return).</summary>
        public abstract void WriteEncodeGroup(IlKernelEmitter.Il il, KernelPlan plan);

        /// <summary>Emits the body of the steps type's <c>AggregateBlock</c> (without the return).</summary>
        public abstract void WriteAggregateBlock(IlKernelEmitter.Il il, KernelPlan plan);
    }
}
