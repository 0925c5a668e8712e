// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using KernelCompiler.Planning;

namespace KernelCompiler.Emit.Paths
{
    /// <summary>
    /// A vector block path as C#: the steps are CSharpKernelWriter.Steps.cs's, written once; the path supplies the vector
    /// type, how a tree level's threshold is selected per row, how codes are narrowed and stored, the table lookup and
    /// the rounding average. <c>IlVectorPathEmitter</c> is the IL twin, member for member.
    /// </summary>
    internal abstract class CSharpVectorPathWriter : CSharpPathWriter
    {
        protected CSharpVectorPathWriter(KernelPath path)
            : base(path)
        {
        }

        /// <summary>The static vector class of the path (<c>Vector512</c>, <c>Vector256</c>, <c>Vector128</c>).</summary>
        public abstract string VectorType { get; }

        /// <summary>Whether EncodeGroup keeps the comparison masks of levels 0..2 for <see cref="SelectThreshold"/>
        /// (paths with no eight-lane permute select deeper thresholds with them).</summary>
        public virtual bool KeepsLevelMasks => false;

        public override void WriteEncodeGroup(CSharpKernelWriter.SourceText w, KernelPlan plan)
            => CSharpKernelWriter.WriteVectorEncodeGroup(w, plan, this);

        public override void WriteAggregateBlock(CSharpKernelWriter.SourceText w, KernelPlan plan)
            => CSharpKernelWriter.WriteVectorAggregateBlock(w, plan, this);

        /// <summary>The thresholds codebook <paramref name="c"/> compares with at <paramref name="level"/> (1..3),
        /// one per row, picked by the row's node so far (the local <c>node</c>, or the masks).</summary>
        public abstract string SelectThreshold(KernelPlan plan, CSharpKernelWriter.Codebook c, int level);

        /// <summary>A statement storing the codes 0..15 in <c>node</c>'s int lanes as bytes at
        /// <c>block[offset + row ..]</c> (<paramref name="offset"/>: where the codebook's codes start, c · rows).</summary>
        public abstract string StoreNodes(string offset);

        /// <summary>The in-lane 16-entry byte lookup of the table by the codes, both given as the
        /// <c>ref, offset</c> arguments of a LoadUnsafe.</summary>
        public abstract string Lookup(string table, string codes);

        /// <summary>The rounding byte average, <c>(a + b + 1) &gt;&gt; 1</c> per lane, as a method name.</summary>
        public abstract string Average { get; }

        /// <summary>The eight threshold lanes of a level as a Vector256&lt;float&gt;: constants when unrolled, a load
        /// from the data otherwise (for the paths that permute them by node).</summary>
        protected static string ThresholdLanes(KernelPlan plan, CSharpKernelWriter.Codebook c, int level)
            => c.IsConstant
                ? "Vector256.Create(" + CSharpKernelWriter.LaneList(plan, c.Value, level) + ")"
                : "Vector256.LoadUnsafe(ref lanes, (nuint)(" + c.Scaled(32, level * 8) + "))";
    }
}
