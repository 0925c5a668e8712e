using System;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using KernelCompiler.Planning;

namespace KernelCompiler.Emit.Paths
{
    /// <summary>The 128-bit block path as IL: the twin of <see cref="CSharpVector128PathWriter"/>. Where the C# calls
    /// its Lookup128 / Average128 helpers, which test the CPU when the JIT compiles them, the IL tests it when it is
    /// emitted (on the machine that runs it) and calls the x86 or the Arm64 instruction.</summary>
    [RequiresDynamicCode("Emits IL.")]
    internal sealed class IlVector128PathEmitter : IlVectorPathEmitter
    {
        public static readonly IlVector128PathEmitter Instance = new IlVector128PathEmitter();

        private static readonly MethodInfo ConditionalSelect = IlMembers.Method(typeof(Vector128), "ConditionalSelect", typeof(float),
            typeof(Vector128<float>), typeof(Vector128<float>), typeof(Vector128<float>));

        private static readonly MethodInfo AsUInt32 = IlMembers.Method(typeof(Vector128), "AsUInt32", typeof(sbyte), typeof(Vector128<sbyte>));

        private static readonly MethodInfo ToScalar = IlMembers.Method(typeof(Vector128), "ToScalar", typeof(uint), typeof(Vector128<uint>));

        private static readonly MethodInfo WriteUnaligned = IlMembers.Method(typeof(Unsafe), "WriteUnaligned", typeof(uint),
            IlMembers.ByteRef, typeof(uint));

        /// <summary>Lookup128 on x86: pshufb.</summary>
        private static readonly MethodInfo ShuffleX86 = IlMembers.Method(typeof(Ssse3), "Shuffle", null,
            typeof(Vector128<byte>), typeof(Vector128<byte>));

        /// <summary>Lookup128 on Arm64: tbl.</summary>
        private static readonly MethodInfo TableLookupArm64 = IlMembers.Method(typeof(AdvSimd.Arm64), "VectorTableLookup", null,
            typeof(Vector128<byte>), typeof(Vector128<byte>));

        /// <summary>Average128 on x86: pavgb.</summary>
        private static readonly MethodInfo AverageX86 = IlMembers.Method(typeof(Sse2), "Average", null,
            typeof(Vector128<byte>), typeof(Vector128<byte>));

        /// <summary>Average128 on Arm64: urhadd; both are (a + b + 1) &gt;&gt; 1.</summary>
        private static readonly MethodInfo AverageArm64 = IlMembers.Method(typeof(AdvSimd), "FusedAddRoundedHalving", null,
            typeof(Vector128<byte>), typeof(Vector128<byte>));

        private IlVector128PathEmitter()
            : base(KernelPath.Vector128)
        {
        }

        public override IlVectorMembers VectorType => IlVectorMembers.Vector128;

        public override bool KeepsLevelMasks => true;

        public override void SelectThreshold(IlKernelEmitter.Il il, KernelPlan plan, IlKernelEmitter.Codebook c, int level)
            => SelectTree(il, plan, c, level, 0, 0);

        // The threshold of node 'prefix' at 'depth' decisions: mask_depth picks the right (1) or the left (0) subtree.
        private static void SelectTree(IlKernelEmitter.Il il, KernelPlan plan, IlKernelEmitter.Codebook c, int level, int depth, int prefix)
        {
            if (depth == level)
            {
                IlKernelEmitter.Lane(il, plan, c, level, prefix);
                il.Call(IlVectorMembers.Vector128.CreateFloat);
                return;
            }

            il.Load("mask" + depth);
            SelectTree(il, plan, c, level, depth + 1, prefix * 2 + 1);
            SelectTree(il, plan, c, level, depth + 1, prefix * 2);
            il.Call(ConditionalSelect);
        }

        // Four int lanes narrowed twice to four bytes, written as one uint.
        public override void StoreNodes(IlKernelEmitter.Il il, Action offset)
        {
            il.Arg(IlKernelEmitter.BlockArg);
            offset();
            il.Op(OpCodes.Add);
            il.Arg(IlKernelEmitter.RowArg);
            il.Op(OpCodes.Add);
            il.Load("node");
            il.Load("node");
            il.Call(IlMembers.Vector128NarrowInt);
            il.Call(IlMembers.Vector128ShortZero);
            il.Call(IlMembers.Vector128NarrowShort);
            il.Call(AsUInt32);
            il.Call(ToScalar);
            il.Call(WriteUnaligned);
        }

        public override void Lookup(IlKernelEmitter.Il il, Action table, Action codes)
        {
            table();
            il.Call(IlVectorMembers.Vector128.LoadByte);
            codes();
            il.Call(VectorType.LoadByte);
            il.Call(Ssse3.IsSupported ? ShuffleX86 : TableLookupArm64);
        }

        public override MethodInfo Average => Sse2.IsSupported ? AverageX86 : AverageArm64;
    }
}
