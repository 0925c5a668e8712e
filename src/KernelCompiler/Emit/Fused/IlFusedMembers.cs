using System;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KernelCompiler.Emit
{
    /// <summary>
    /// The members the fused AVX-512 VBMI steps call (IlKernelEmitter.Fused.cs, .FusedAverage.cs, .RowMajor.cs), each
    /// looked up once, on first use of this class, and named; a lookup this runtime cannot satisfy fails with the member
    /// it looked for (<see cref="IlMembers.Method"/>). The helpers and runtime members they call are in
    /// <see cref="IlMembers"/>.
    /// </summary>
    [RequiresDynamicCode("Emits IL.")]
    [UnconditionalSuppressMessage("Trimming", "IL2060", Justification = "Generic methods are closed over primitive element types only.")]
    internal static class IlFusedMembers
    {
        private static readonly Type FloatRef = IlMembers.FloatRef;
        private static readonly Type ByteRef = IlMembers.ByteRef;
        private static readonly Type IntRef = IlMembers.IntRef;
        private static readonly Type UintRef = typeof(uint).MakeByRefType();
        private static readonly Type Vf = typeof(Vector512<float>);
        private static readonly Type Vi = typeof(Vector512<int>);
        private static readonly Type Vs = typeof(Vector512<short>);
        private static readonly Type Vb = typeof(Vector512<byte>);
        private static readonly Type Vsb = typeof(Vector512<sbyte>);

        /// <summary>Vector512.LoadUnsafe(ref float, nuint).</summary>
        public static readonly MethodInfo LoadFloats = Method(typeof(Vector512), "LoadUnsafe", typeof(float), FloatRef, typeof(nuint));

        /// <summary>Vector512.Create(int).</summary>
        public static readonly MethodInfo CreateInt = Method(typeof(Vector512), "Create", null, typeof(int));

        /// <summary>Vector512.Create(float).</summary>
        public static readonly MethodInfo CreateFloat = Method(typeof(Vector512), "Create", null, typeof(float));

        /// <summary>Vector512.LessThanOrEqual&lt;float&gt;.</summary>
        public static readonly MethodInfo LessThanOrEqualFloat = Method(typeof(Vector512), "LessThanOrEqual", typeof(float), Vf, Vf);

        /// <summary>Vector512&lt;float&gt;.AsInt32().</summary>
        public static readonly MethodInfo FloatAsInt = Method(typeof(Vector512), "AsInt32", typeof(float), Vf);

        /// <summary>Vector512.ConditionalSelect&lt;int&gt;.</summary>
        public static readonly MethodInfo SelectInt = Method(typeof(Vector512), "ConditionalSelect", typeof(int), Vi, Vi, Vi);

        /// <summary>Vector512.ConditionalSelect&lt;float&gt;.</summary>
        public static readonly MethodInfo SelectFloat = Method(typeof(Vector512), "ConditionalSelect", typeof(float), Vf, Vf, Vf);

        /// <summary>Vector512.Create(float × 16).</summary>
        public static readonly MethodInfo CreateSixteenFloats = Method(typeof(Vector512), "Create", null, Sixteen(typeof(float)));

        /// <summary>Vector512.Create(int × 16).</summary>
        public static readonly MethodInfo CreateSixteenInts = Method(typeof(Vector512), "Create", null, Sixteen(typeof(int)));

        /// <summary>Vector512&lt;int&gt; &lt;&lt; int.</summary>
        public static readonly MethodInfo ShiftLeftInt = IlMembers.Operator(Vi, "op_LeftShift", Vi, typeof(int));

        /// <summary>Vector512&lt;int&gt; | Vector512&lt;int&gt;.</summary>
        public static readonly MethodInfo OrInt = IlMembers.Operator(Vi, "op_BitwiseOr", Vi, Vi);

        /// <summary>Vector512&lt;short&gt; + Vector512&lt;short&gt;.</summary>
        public static readonly MethodInfo AddShort = IlMembers.Operator(Vs, "op_Addition", Vs, Vs);

        /// <summary>Vector512&lt;int&gt; + Vector512&lt;int&gt;.</summary>
        public static readonly MethodInfo AddInt = IlMembers.Operator(Vi, "op_Addition", Vi, Vi);

        /// <summary>Vector512&lt;int&gt; − Vector512&lt;int&gt;.</summary>
        public static readonly MethodInfo SubtractInt = IlMembers.Operator(Vi, "op_Subtraction", Vi, Vi);

        /// <summary>Vector512&lt;int&gt;.AsUInt32().</summary>
        public static readonly MethodInfo IntAsUInt = Method(typeof(Vector512), "AsUInt32", typeof(int), Vi);

        /// <summary>Vector512&lt;uint&gt;.StoreUnsafe(ref uint, nuint).</summary>
        public static readonly MethodInfo StoreUInts = Method(typeof(Vector512), "StoreUnsafe", typeof(uint), typeof(Vector512<uint>), UintRef, typeof(nuint));

        /// <summary>Vector512&lt;int&gt;.StoreUnsafe(ref int, nuint).</summary>
        public static readonly MethodInfo StoreInts = Method(typeof(Vector512), "StoreUnsafe", typeof(int), Vi, IntRef, typeof(nuint));

        /// <summary>Vector512&lt;float&gt;.StoreUnsafe(ref float, nuint).</summary>
        public static readonly MethodInfo StoreFloats = Method(typeof(Vector512), "StoreUnsafe", typeof(float), Vf, FloatRef, typeof(nuint));

        /// <summary>Vector512.Create(sbyte).</summary>
        public static readonly MethodInfo CreateSByte = Method(typeof(Vector512), "Create", null, typeof(sbyte));

        /// <summary>Vector512.Create(short).</summary>
        public static readonly MethodInfo CreateShort = Method(typeof(Vector512), "Create", null, typeof(short));

        /// <summary>Vector512.LoadUnsafe(ref uint, nuint).</summary>
        public static readonly MethodInfo LoadUInts = Method(typeof(Vector512), "LoadUnsafe", typeof(uint), UintRef, typeof(nuint));

        /// <summary>Vector512.LoadUnsafe(ref byte, nuint).</summary>
        public static readonly MethodInfo LoadBytes = Method(typeof(Vector512), "LoadUnsafe", typeof(byte), ByteRef, typeof(nuint));

        /// <summary>Vector512.LoadUnsafe(ref int, nuint).</summary>
        public static readonly MethodInfo LoadInts = Method(typeof(Vector512), "LoadUnsafe", typeof(int), IntRef, typeof(nuint));

        /// <summary>Vector512&lt;uint&gt;.AsByte().</summary>
        public static readonly MethodInfo UIntAsByte = Method(typeof(Vector512), "AsByte", typeof(uint), typeof(Vector512<uint>));

        /// <summary>Vector512&lt;int&gt;.AsSByte().</summary>
        public static readonly MethodInfo IntAsSByte = Method(typeof(Vector512), "AsSByte", typeof(int), Vi);

        /// <summary>Vector512&lt;byte&gt;.AsUInt32().</summary>
        public static readonly MethodInfo ByteAsUInt = Method(typeof(Vector512), "AsUInt32", typeof(byte), Vb);

        /// <summary>Vector512&lt;short&gt;.AsInt32().</summary>
        public static readonly MethodInfo ShortAsInt = Method(typeof(Vector512), "AsInt32", typeof(short), Vs);

        /// <summary>Vector512&lt;int&gt;.AsSingle().</summary>
        public static readonly MethodInfo IntAsSingle = Method(typeof(Vector512), "AsSingle", typeof(int), Vi);

        /// <summary>Vector512.ShiftRightLogical(Vector512&lt;uint&gt;, int).</summary>
        public static readonly MethodInfo ShiftRightUInt = Method(typeof(Vector512), "ShiftRightLogical", null, typeof(Vector512<uint>), typeof(int));

        /// <summary>Avx512Vbmi.PermuteVar64x8 (vpermb).</summary>
        public static readonly MethodInfo PermuteBytes = Method(typeof(Avx512Vbmi), "PermuteVar64x8", null, Vb, Vb);

        /// <summary>Avx512BW.Average (vpavgb).</summary>
        public static readonly MethodInfo AverageBytes = Method(typeof(Avx512BW), "Average", null, Vb, Vb);

        /// <summary>Avx512BW.MultiplyAddAdjacent(byte, sbyte) (vpmaddubsw).</summary>
        public static readonly MethodInfo SumBytePairs = Method(typeof(Avx512BW), "MultiplyAddAdjacent", null, Vb, Vsb);

        /// <summary>Avx512BW.MultiplyAddAdjacent(short, short) (vpmaddwd).</summary>
        public static readonly MethodInfo SumShortPairs = Method(typeof(Avx512BW), "MultiplyAddAdjacent", null, Vs, Vs);

        /// <summary>Avx512F.PermuteVar16x32 (vpermps).</summary>
        public static readonly MethodInfo PermuteFloats = Method(typeof(Avx512F), "PermuteVar16x32", null, Vf, Vi);

        /// <summary>Avx512F.PermuteVar16x32x2 (vpermt2ps).</summary>
        public static readonly MethodInfo PermuteFloatsTwo = Method(typeof(Avx512F), "PermuteVar16x32x2", null, Vf, Vi, Vf);

        /// <summary>Unsafe.Add(ref float, nint).</summary>
        public static readonly MethodInfo AddFloatRef = Method(typeof(Unsafe), "Add", typeof(float), FloatRef, typeof(nint));

        /// <summary>Unsafe.Add(ref uint, nint).</summary>
        public static readonly MethodInfo AddUIntRef = Method(typeof(Unsafe), "Add", typeof(uint), UintRef, typeof(nint));

        /// <summary>Unsafe.Add(ref int, nint).</summary>
        public static readonly MethodInfo AddIntRef = Method(typeof(Unsafe), "Add", typeof(int), IntRef, typeof(nint));

        /// <summary>Unsafe.Add(ref byte, int).</summary>
        public static readonly MethodInfo AddByteRefInt = Method(typeof(Unsafe), "Add", typeof(byte), ByteRef, typeof(int));

        /// <summary>MemoryMarshal.GetReference(Span&lt;float&gt;).</summary>
        public static readonly MethodInfo SpanFloatReference = Method(typeof(MemoryMarshal), "GetReference", typeof(float), typeof(Span<float>));

        /// <summary>Unsafe.Add(ref T, nint) for the element types the fused steps address.</summary>
        /// <exception cref="ArgumentException">No such member is held for <paramref name="element"/>.</exception>
        public static MethodInfo AddRef(Type element)
            => element == typeof(float) ? AddFloatRef
             : element == typeof(uint) ? AddUIntRef
             : element == typeof(int) ? AddIntRef
             : throw new ArgumentException("The fused steps address no " + element.Name + " data.", nameof(element));

        private static MethodInfo Method(Type owner, string name, Type? typeArgument, params Type[] parameters)
            => IlMembers.Method(owner, name, typeArgument, parameters);

        private static Type[] Sixteen(Type type)
        {
            var types = new Type[16];
            Array.Fill(types, type);
            return types;
        }
    }
}
