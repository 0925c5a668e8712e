using System;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Reflection.Emit;
using KernelCompiler.Planning;

namespace KernelCompiler.Emit.Paths
{
    /// <summary>
    /// A vector block path as IL: the steps are IlKernelEmitter.Steps.cs's, emitted once; the path supplies its vector
    /// width's members, how a tree level's threshold is selected per row, how codes are narrowed and stored, the table
    /// lookup and the rounding average. The twin of <see cref="CSharpVectorPathWriter"/>, member for member; each
    /// member emits the operations the writer's member writes, in the same order.
    /// </summary>
    [RequiresDynamicCode("Emits IL.")]
    internal abstract class IlVectorPathEmitter : IlPathEmitter
    {
        protected IlVectorPathEmitter(KernelPath path)
            : base(path)
        {
        }

        /// <summary>The members of the path's vector width (the static class and the types over it, as the writer's VectorType names the class).</summary>
        public abstract IlVectorMembers VectorType { get; }

        /// <summary>Whether EncodeGroup keeps the comparison masks of levels 0..2 (locals <c>mask0..2</c>) for
        /// <see cref="SelectThreshold"/>.</summary>
        public virtual bool KeepsLevelMasks => false;

        public override void WriteEncodeGroup(IlKernelEmitter.Il il, KernelPlan plan)
            => IlKernelEmitter.WriteVectorEncodeGroup(il, plan, this);

        public override void WriteAggregateBlock(IlKernelEmitter.Il il, KernelPlan plan)
            => IlKernelEmitter.WriteVectorAggregateBlock(il, plan, this);

        /// <summary>Pushes the thresholds codebook <paramref name="c"/> compares with at <paramref name="level"/>
        /// (1..3), one per row, picked by the row's node so far (the local <c>node</c>, or the masks).</summary>
        public abstract void SelectThreshold(IlKernelEmitter.Il il, KernelPlan plan, IlKernelEmitter.Codebook c, int level);

        /// <summary>Stores the codes 0..15 in <c>node</c>'s int lanes as bytes at <c>block[offset + row ..]</c>;
        /// <paramref name="offset"/> pushes where the codebook's codes start (c · rows) as a native int.</summary>
        public abstract void StoreNodes(IlKernelEmitter.Il il, Action offset);

        /// <summary>Pushes the in-lane 16-entry byte lookup of the table by the codes; <paramref name="table"/> and
        /// <paramref name="codes"/> each push the <c>ref, nuint offset</c> arguments of a LoadUnsafe.</summary>
        public abstract void Lookup(IlKernelEmitter.Il il, Action table, Action codes);

        /// <summary>The rounding byte average, <c>(a + b + 1) &gt;&gt; 1</c> per lane.</summary>
        public abstract MethodInfo Average { get; }

        /// <summary>Pushes the eight threshold lanes of a level as a Vector256&lt;float&gt;: constants when unrolled, a
        /// load from the data otherwise (for the paths that permute them by node).</summary>
        protected static void ThresholdLanes(IlKernelEmitter.Il il, KernelPlan plan, IlKernelEmitter.Codebook c, int level)
        {
            if (c.IsConstant)
            {
                for (int j = 0; j < KernelPlan.LanesPerLevel; j++)
                {
                    il.Float(plan.ThresholdLanes[(c.Value * LutModel.TreeDepth + level) * KernelPlan.LanesPerLevel + j]);
                }

                il.Call(IlMembers.Vector256CreateEight);
                return;
            }

            il.Arg(IlKernelEmitter.LanesArg);
            c.Scaled(il, 32, level * 8);
            il.Op(OpCodes.Conv_U);
            il.Call(IlVectorMembers.Vector256.LoadFloat);
        }
    }
}
