// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using KernelCompiler.Planning;

namespace KernelCompiler.Emit.Paths
{
    /// <summary>The scalar block path as C#: blocks of one row, each codebook's tree as nested decisions and the
    /// lookups as plain indexing (CSharpKernelWriter.Steps.cs). Its IL twin is <c>IlScalarPathEmitter</c>.</summary>
    internal sealed class CSharpScalarPathWriter : CSharpPathWriter
    {
        public static readonly CSharpScalarPathWriter Instance = new CSharpScalarPathWriter();

        private CSharpScalarPathWriter()
            : base(KernelPath.Scalar)
        {
        }

        public override string Summary => "Scalar path: blocks of one row.";

        public override void WriteEncodeGroup(CSharpKernelWriter.SourceText w, KernelPlan plan)
            => CSharpKernelWriter.WriteScalarEncodeGroup(w, plan);

        public override void WriteAggregateBlock(CSharpKernelWriter.SourceText w, KernelPlan plan)
            => CSharpKernelWriter.WriteScalarAggregateBlock(w, plan);
    }
}
