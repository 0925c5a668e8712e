using System;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using KernelCompiler.Planning;

namespace KernelCompiler.Emit.Paths
{
    /// <summary>The AVX-512 (BW) block path as IL: the twin of <see cref="CSharpAvx512PathWriter"/>.</summary>
    [RequiresDynamicCode("Emits IL.")]
    internal sealed class IlAvx512PathEmitter : IlVectorPathEmitter
    {
        public static readonly IlAvx512PathEmitter Instance = new IlAvx512PathEmitter();

        /// <summary>Vector512.Create(Vector256&lt;float&gt;): the eight lanes in the low half.</summary>
        private static readonly MethodInfo WidenLanes = IlMembers.MethodAny(typeof(Vector512), "Create", typeof(float), typeof(Vector256<float>));

        private static readonly MethodInfo PermuteVar16x32 = IlMembers.Method(typeof(Avx512F), "PermuteVar16x32", null,
            typeof(Vector512<float>), typeof(Vector512<int>));

        private static readonly MethodInfo ConvertToVector128Byte = IlMembers.Method(typeof(Avx512F), "ConvertToVector128Byte", null,
            typeof(Vector512<int>));

        private static readonly MethodInfo StoreBytes = IlMembers.Method(typeof(Vector128), "StoreUnsafe", typeof(byte),
            typeof(Vector128<byte>), IlMembers.ByteRef, typeof(nuint));

        /// <summary>Vector512.Create(Vector128&lt;byte&gt;): the table in every 128-bit lane.</summary>
        private static readonly MethodInfo BroadcastTable = IlMembers.MethodAny(typeof(Vector512), "Create", typeof(byte), typeof(Vector128<byte>));

        private static readonly MethodInfo Shuffle = IlMembers.Method(typeof(Avx512BW), "Shuffle", null,
            typeof(Vector512<byte>), typeof(Vector512<byte>));

        private static readonly MethodInfo AverageBytes = IlMembers.Method(typeof(Avx512BW), "Average", null,
            typeof(Vector512<byte>), typeof(Vector512<byte>));

        private IlAvx512PathEmitter()
            : base(KernelPath.Avx512)
        {
        }

        public override IlVectorMembers VectorType => IlVectorMembers.Vector512;

        // Nodes are below 8, so the permute reads only the low eight lanes.
        public override void SelectThreshold(IlKernelEmitter.Il il, KernelPlan plan, IlKernelEmitter.Codebook c, int level)
        {
            ThresholdLanes(il, plan, c, level);
            il.Call(WidenLanes);
            il.Load("node");
            il.Call(PermuteVar16x32);
        }

        public override void StoreNodes(IlKernelEmitter.Il il, Action offset)
        {
            il.Load("node");
            il.Call(ConvertToVector128Byte);
            il.Arg(IlKernelEmitter.BlockArg);
            offset();
            il.Arg(IlKernelEmitter.RowArg);
            il.Op(OpCodes.Add);
            il.Op(OpCodes.Conv_U);
            il.Call(StoreBytes);
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
