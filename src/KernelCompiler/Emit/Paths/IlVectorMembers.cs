using System;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.Intrinsics;

namespace KernelCompiler.Emit.Paths
{
    /// <summary>
    /// The members of one vector width (Vector512, Vector256, Vector128) the block steps call whatever the path: loads,
    /// compares, integer arithmetic, widening and stores. One instance per width, each member looked up once when the
    /// instance is made; a path's emitter picks its width's (<see cref="IlVectorPathEmitter.VectorType"/>).
    /// </summary>
    [RequiresDynamicCode("Emits IL.")]
    [UnconditionalSuppressMessage("Trimming", "IL2055", Justification = "Vector types are closed over primitive element types only.")]
    internal sealed class IlVectorMembers
    {
        /// <summary>Vector512's members.</summary>
        public static readonly IlVectorMembers Vector512 = new IlVectorMembers(typeof(Vector512), typeof(Vector512<>));

        /// <summary>Vector256's members.</summary>
        public static readonly IlVectorMembers Vector256 = new IlVectorMembers(typeof(Vector256), typeof(Vector256<>));

        /// <summary>Vector128's members.</summary>
        public static readonly IlVectorMembers Vector128 = new IlVectorMembers(typeof(Vector128), typeof(Vector128<>));

        private IlVectorMembers(Type vector, Type generic)
        {
            Type = vector;
            OfFloat = generic.MakeGenericType(typeof(float));
            OfInt = generic.MakeGenericType(typeof(int));
            OfUInt = generic.MakeGenericType(typeof(uint));
            OfByte = generic.MakeGenericType(typeof(byte));
            OfUShort = generic.MakeGenericType(typeof(ushort));
            LoadFloat = IlMembers.Method(vector, "LoadUnsafe", typeof(float), IlMembers.FloatRef, typeof(nuint));
            LoadByte = IlMembers.Method(vector, "LoadUnsafe", typeof(byte), IlMembers.ByteRef, typeof(nuint));
            StoreInt = IlMembers.Method(vector, "StoreUnsafe", typeof(int), OfInt, IlMembers.IntRef, typeof(nuint));
            CreateFloat = IlMembers.Method(vector, "Create", null, typeof(float));
            CreateInt = IlMembers.Method(vector, "Create", null, typeof(int));
            GreaterThanOrEqualFloat = IlMembers.Method(vector, "GreaterThanOrEqual", typeof(float), OfFloat, OfFloat);
            FloatAsInt32 = IlMembers.Method(vector, "AsInt32", typeof(float), OfFloat);
            UIntAsInt32 = IlMembers.Method(vector, "AsInt32", typeof(uint), OfUInt);
            IntZero = IlMembers.Getter(OfInt, "Zero");
            UShortZero = IlMembers.Getter(OfUShort, "Zero");
            AddInt = IlMembers.Operator(OfInt, "op_Addition", OfInt, OfInt);
            SubtractInt = IlMembers.Operator(OfInt, "op_Subtraction", OfInt, OfInt);
            MultiplyInt = IlMembers.Operator(OfInt, "op_Multiply", OfInt, typeof(int));
            AddUShort = IlMembers.Operator(OfUShort, "op_Addition", OfUShort, OfUShort);
            WidenLowerByte = IlMembers.Method(vector, "WidenLower", null, OfByte);
            WidenUpperByte = IlMembers.Method(vector, "WidenUpper", null, OfByte);
            WidenLowerUShort = IlMembers.Method(vector, "WidenLower", null, OfUShort);
            WidenUpperUShort = IlMembers.Method(vector, "WidenUpper", null, OfUShort);
        }

        /// <summary>The static class (Vector512, ...).</summary>
        public Type Type { get; }

        /// <summary>The vector of floats (Vector512&lt;float&gt;, ...).</summary>
        public Type OfFloat { get; }

        public Type OfInt { get; }

        public Type OfUInt { get; }

        public Type OfByte { get; }

        public Type OfUShort { get; }

        /// <summary>LoadUnsafe&lt;float&gt;(ref float, nuint).</summary>
        public MethodInfo LoadFloat { get; }

        /// <summary>LoadUnsafe&lt;byte&gt;(ref byte, nuint).</summary>
        public MethodInfo LoadByte { get; }

        /// <summary>StoreUnsafe&lt;int&gt;(vector, ref int, nuint).</summary>
        public MethodInfo StoreInt { get; }

        /// <summary>Create(float): every lane the value.</summary>
        public MethodInfo CreateFloat { get; }

        /// <summary>Create(int).</summary>
        public MethodInfo CreateInt { get; }

        /// <summary>GreaterThanOrEqual&lt;float&gt;: all ones where left &gt;= right (false for NaN).</summary>
        public MethodInfo GreaterThanOrEqualFloat { get; }

        /// <summary>AsInt32&lt;float&gt;: the compare mask as ints (-1 or 0).</summary>
        public MethodInfo FloatAsInt32 { get; }

        /// <summary>AsInt32&lt;uint&gt;.</summary>
        public MethodInfo UIntAsInt32 { get; }

        /// <summary>The int vector's Zero.</summary>
        public MethodInfo IntZero { get; }

        /// <summary>The ushort vector's Zero.</summary>
        public MethodInfo UShortZero { get; }

        /// <summary>int vector + int vector.</summary>
        public MethodInfo AddInt { get; }

        /// <summary>int vector - int vector.</summary>
        public MethodInfo SubtractInt { get; }

        /// <summary>int vector * int.</summary>
        public MethodInfo MultiplyInt { get; }

        /// <summary>ushort vector + ushort vector.</summary>
        public MethodInfo AddUShort { get; }

        /// <summary>WidenLower(byte vector): the low half as ushorts.</summary>
        public MethodInfo WidenLowerByte { get; }

        /// <summary>WidenUpper(byte vector).</summary>
        public MethodInfo WidenUpperByte { get; }

        /// <summary>WidenLower(ushort vector): the low half as uints.</summary>
        public MethodInfo WidenLowerUShort { get; }

        /// <summary>WidenUpper(ushort vector).</summary>
        public MethodInfo WidenUpperUShort { get; }
    }
}
