using System;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using KernelCompiler.Planning;

namespace KernelCompiler.Emit.Paths
{
    /// <summary>The AVX2 block path as IL: the twin of <see cref="CSharpAvx2PathWriter"/>.</summary>
    [RequiresDynamicCode("Emits IL.")]
    internal sealed class IlAvx2PathEmitter : IlVectorPathEmitter
    {
        public static readonly IlAvx2PathEmitter Instance = new IlAvx2PathEmitter();

        private static readonly MethodInfo PermuteVar8x32 = IlMembers.Method(typeof(Avx2), "PermuteVar8x32", null,
            typeof(Vector256<float>), typeof(Vector256<int>));

        private static readonly MethodInfo GetLower = IlMembers.Method(typeof(Vector256), "GetLower", typeof(int), typeof(Vector256<int>));

        private static readonly MethodInfo GetUpper = IlMembers.Method(typeof(Vector256), "GetUpper", typeof(int), typeof(Vector256<int>));

        private static readonly MethodInfo AsUInt64 = IlMembers.Method(typeof(Vector128), "AsUInt64", typeof(sbyte), typeof(Vector128<sbyte>));

        private static readonly MethodInfo ToScalar = IlMembers.Method(typeof(Vector128), "ToScalar", typeof(ulong), typeof(Vector128<ulong>));

        private static readonly MethodInfo WriteUnaligned = IlMembers.Method(typeof(Unsafe), "WriteUnaligned", typeof(ulong),
            IlMembers.ByteRef, typeof(ulong));

        /// <summary>Vector256.Create(Vector128&lt;byte&gt;): the table in both 128-bit lanes.</summary>
        private static readonly MethodInfo BroadcastTable = IlMembers.MethodAny(typeof(Vector256), "Create", typeof(byte), typeof(Vector128<byte>));

        private static readonly MethodInfo Shuffle = IlMembers.Method(typeof(Avx2), "Shuffle", null,
            typeof(Vector256<byte>), typeof(Vector256<byte>));

        private static readonly MethodInfo AverageBytes = IlMembers.Method(typeof(Avx2), "Average", null,
            typeof(Vector256<byte>), typeof(Vector256<byte>));

        private IlAvx2PathEmitter()
            : base(KernelPath.Avx2)
        {
        }

        public override IlVectorMembers VectorType => IlVectorMembers.Vector256;

        public override void SelectThreshold(IlKernelEmitter.Il il, KernelPlan plan, IlKernelEmitter.Codebook c, int level)
        {
            ThresholdLanes(il, plan, c, level);
            il.Load("node");
            il.Call(PermuteVar8x32);
        }

        // Eight int lanes narrowed twice to eight bytes, written as one ulong.
        public override void StoreNodes(IlKernelEmitter.Il il, Action offset)
        {
            il.Arg(IlKernelEmitter.BlockArg);
            offset();
            il.Op(OpCodes.Add);
            il.Arg(IlKernelEmitter.RowArg);
            il.Op(OpCodes.Add);
            il.Load("node");
            il.Call(GetLower);
            il.Load("node");
            il.Call(GetUpper);
            il.Call(IlMembers.Vector128NarrowInt);
            il.Call(IlMembers.Vector128ShortZero);
            il.Call(IlMembers.Vector128NarrowShort);
            il.Call(AsUInt64);
            il.Call(ToScalar);
            il.Call(WriteUnaligned);
        }

        public override void Lookup(IlKernelEmitter.Il il, Action table, Action codes)
        {
            table();
            il.Call(IlVectorMembers.Vector128.LoadByte);
            il.Call(BroadcastTable);
            codes();
            il.Call(VectorType.LoadByte);
            il.Call(Shuffle);
        }

        public override MethodInfo Average => AverageBytes;
    }
}
