// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System;
using KernelCompiler.Planning;

namespace KernelCompiler.Emit.Paths
{
    /// <summary>
    /// One block path's steps as C# text. The vector paths share their steps (<see cref="CSharpVectorPathWriter"/>:
    /// written once in CSharpKernelWriter.Steps.cs, asking the path for its instructions); the scalar path writes its
    /// own. <c>IlPathEmitter</c> is the IL twin, with the same member names. Adding a block path is adding a
    /// subclass here and its twin there, and a line in <see cref="For"/>.
    /// </summary>
    /// <remarks>Linked into the netstandard2.0 generator, like the writer.</remarks>
    internal abstract class CSharpPathWriter
    {
        protected CSharpPathWriter(KernelPath path)
        {
            Path = path;
        }

        /// <summary>The path this writes.</summary>
        public KernelPath Path { get; }

        /// <summary>The comment above the path's steps struct.</summary>
        public virtual string Summary => Path.Name + " path: blocks of " + CSharpKernelWriter.Int(Path.RowsPerBlock) +
            " rows, groups of " + CSharpKernelWriter.Int(Path.FloatLanes) + ".";

        /// <summary>The writer of each block path: the one place a path is mapped to its C#.</summary>
        public static CSharpPathWriter For(KernelPath path)
        {
            switch (path.InstructionSet)
            {
                case KernelInstructionSet.Avx512:
                    return CSharpAvx512PathWriter.Instance;
                case KernelInstructionSet.Avx2:
                    return CSharpAvx2PathWriter.Instance;
                case KernelInstructionSet.Vector128:
                    return CSharpVector128PathWriter.Instance;
                case KernelInstructionSet.Scalar:
                    return CSharpScalarPathWriter.Instance;
                default:
                    throw new ArgumentException("No block-path writer for the " + path.Name + " path.", nameof(path));
            }
        }

        /// <summary>Writes the steps struct's <c>EncodeGroup</c>.</summary>
        public abstract void WriteEncodeGroup(CSharpKernelWriter.SourceText w, KernelPlan plan);

        /// <summary>Writes the steps struct's <c>AggregateBlock</c>.</summary>
        public abstract void WriteAggregateBlock(CSharpKernelWriter.SourceText w, KernelPlan plan);

        /// <summary>Writes helpers the path's steps call into the kernel's steps class (once per kernel).</summary>
        public virtual void WriteSupport(CSharpKernelWriter.SourceText w, KernelPlan plan)
        {
        }
    }
}
