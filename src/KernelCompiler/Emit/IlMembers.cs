using System;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using KernelCompiler.Runtime;

namespace KernelCompiler.Emit
{
    /// <summary>
    /// The members the IL emitter calls that no single path owns, each looked up once (on first use of this class) and
    /// named; and the lookups themselves, which fail with the member they could not find rather than hand a null to the
    /// ILGenerator. Members of one vector width are in <see cref="Paths.IlVectorMembers"/>, those of one path in its
    /// emitter (Paths/Il*PathEmitter.cs).
    /// </summary>
    [RequiresDynamicCode("Emits IL.")]
    [UnconditionalSuppressMessage("Trimming", "IL2060", Justification = "Generic methods are closed over primitive element types only.")]
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "IlKernelEmitter.Emit keeps the public methods of every type looked up (DynamicDependency).")]
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "IlKernelEmitter.Emit keeps the public methods of every type looked up (DynamicDependency).")]
    internal static class IlMembers
    {
        public static readonly Type FloatRef = typeof(float).MakeByRefType();
        public static readonly Type ByteRef = typeof(byte).MakeByRefType();
        public static readonly Type IntRef = typeof(int).MakeByRefType();

        // The block steps type (IlKernelEmitter.BlockSteps.cs): what it implements and calls.

        /// <summary>BlockKernelRuntime.Run&lt;TSteps&gt;, open.</summary>
        public static readonly MethodInfo BlockRun = Required(
            typeof(BlockKernelRuntime).GetMethod(nameof(BlockKernelRuntime.Run)), "BlockKernelRuntime.Run<TSteps>");

        /// <summary>The parameter types of <see cref="BlockStepsRun"/>: the steps type's static Run takes them.</summary>
        public static readonly Type[] BlockRunParameters = Array.ConvertAll(
            Required(typeof(BlockStepsRun).GetMethod(nameof(BlockStepsRun.Invoke)), "BlockStepsRun.Invoke").GetParameters(),
            p => p.ParameterType);

        public static readonly MethodInfo StepsEncodeGroup = Required(
            typeof(IBlockKernelSteps).GetMethod(nameof(IBlockKernelSteps.EncodeGroup)), "IBlockKernelSteps.EncodeGroup");

        public static readonly MethodInfo StepsAggregateBlock = Required(
            typeof(IBlockKernelSteps).GetMethod(nameof(IBlockKernelSteps.AggregateBlock)), "IBlockKernelSteps.AggregateBlock");

        public static readonly MethodInfo StepsModel = Getter(typeof(IBlockKernelSteps), nameof(IBlockKernelSteps.Model));

        public static readonly MethodInfo StepsBlockRows = Getter(typeof(IBlockKernelSteps), nameof(IBlockKernelSteps.BlockRows));

        public static readonly MethodInfo StepsGroupRows = Getter(typeof(IBlockKernelSteps), nameof(IBlockKernelSteps.GroupRows));

        // The fused steps types (IlKernelEmitter.FusedSteps.cs, .Fused.cs, .RowMajor.cs, Fused/IlFusedAvx2Emitter.cs).

        /// <summary>Attribute's protected constructor, which the emitted IgnoresAccessChecksToAttribute calls.</summary>
        public static readonly ConstructorInfo AttributeConstructor = typeof(Attribute).GetConstructor(
            BindingFlags.NonPublic | BindingFlags.Instance, null, Type.EmptyTypes, null)
            ?? throw Missing("Attribute()");

        /// <summary>AlignedBytes.Reference (the fused steps' tables).</summary>
        public static readonly MethodInfo AlignedBytesReference = Getter(typeof(AlignedBytes), nameof(AlignedBytes.Reference));

        /// <summary>EmittedStepsEntry.FusedRun&lt;TSteps&gt;, open.</summary>
        public static readonly MethodInfo FusedRun = Required(
            typeof(EmittedStepsEntry).GetMethod(nameof(EmittedStepsEntry.FusedRun)), "EmittedStepsEntry.FusedRun<TSteps>");

        /// <summary>EmittedStepsEntry.FusedMultiplyRows&lt;TSteps&gt;, open.</summary>
        public static readonly MethodInfo FusedMultiplyRows = Required(
            typeof(EmittedStepsEntry).GetMethod(nameof(EmittedStepsEntry.FusedMultiplyRows)), "EmittedStepsEntry.FusedMultiplyRows<TSteps>");

        /// <summary>EmittedStepsEntry.FusedAvx2Run&lt;TSteps&gt;, open.</summary>
        public static readonly MethodInfo FusedAvx2Run = Required(
            typeof(EmittedStepsEntry).GetMethod(nameof(EmittedStepsEntry.FusedAvx2Run)), "EmittedStepsEntry.FusedAvx2Run<TSteps>");

        /// <summary>EmittedStepsEntry.FusedVector128Run&lt;TSteps&gt;, open.</summary>
        public static readonly MethodInfo FusedVector128Run = Required(
            typeof(EmittedStepsEntry).GetMethod(nameof(EmittedStepsEntry.FusedVector128Run)), "EmittedStepsEntry.FusedVector128Run<TSteps>");

        /// <summary>EmittedFusedHelpers.Level (one tree level of the fused VBMI encode).</summary>
        public static readonly MethodInfo FusedLevel = Required(
            typeof(EmittedFusedHelpers).GetMethod(nameof(EmittedFusedHelpers.Level)), "EmittedFusedHelpers.Level");

        /// <summary>EmittedFusedHelpers.RowValues (row-major input narrower than 16 floats).</summary>
        public static readonly MethodInfo FusedRowValues = Required(
            typeof(EmittedFusedHelpers).GetMethod(nameof(EmittedFusedHelpers.RowValues)), "EmittedFusedHelpers.RowValues");

        /// <summary>FusedRowTiles.TransposeSlots.</summary>
        public static readonly MethodInfo FusedTransposeSlots = Required(
            typeof(FusedRowTiles).GetMethod(nameof(FusedRowTiles.TransposeSlots)), "FusedRowTiles.TransposeSlots");

        /// <summary>FusedRowTiles.Prefetch.</summary>
        public static readonly MethodInfo FusedPrefetch = Required(
            typeof(FusedRowTiles).GetMethod(nameof(FusedRowTiles.Prefetch)), "FusedRowTiles.Prefetch");

        /// <summary>MemoryMarshal.GetArrayDataReference&lt;float&gt;(float[]).</summary>
        public static readonly MethodInfo FloatArrayData = ArrayData(typeof(float));

        /// <summary>MemoryMarshal.GetArrayDataReference&lt;int&gt;(int[]).</summary>
        public static readonly MethodInfo IntArrayData = ArrayData(typeof(int));

        // The vector paths' shared pieces: a level's eight threshold lanes (the paths that permute them) and the
        // narrowing of int lanes to code bytes (the paths that store them through a scalar).

        /// <summary>Vector256.Create(float × 8).</summary>
        public static readonly MethodInfo Vector256CreateEight = Method(typeof(Vector256), nameof(Vector256.Create), null,
            typeof(float), typeof(float), typeof(float), typeof(float), typeof(float), typeof(float), typeof(float), typeof(float));

        /// <summary>Vector128.Narrow(Vector128&lt;int&gt;, Vector128&lt;int&gt;).</summary>
        public static readonly MethodInfo Vector128NarrowInt = Method(typeof(Vector128), nameof(Vector128.Narrow), null,
            typeof(Vector128<int>), typeof(Vector128<int>));

        /// <summary>Vector128.Narrow(Vector128&lt;short&gt;, Vector128&lt;short&gt;).</summary>
        public static readonly MethodInfo Vector128NarrowShort = Method(typeof(Vector128), nameof(Vector128.Narrow), null,
            typeof(Vector128<short>), typeof(Vector128<short>));

        /// <summary>Vector128&lt;short&gt;.Zero.</summary>
        public static readonly MethodInfo Vector128ShortZero = Getter(typeof(Vector128<short>), nameof(Vector128<short>.Zero));

        /// <summary>A public static method by name and exact parameter types; generic definitions are closed over
        /// <paramref name="typeArgument"/> and must then match exactly (so Create&lt;T&gt;(T) is never taken for
        /// Create&lt;T&gt;(Vector128&lt;T&gt;)).</summary>
        /// <exception cref="InvalidOperationException">This runtime has no such method.</exception>
        public static MethodInfo Method(Type owner, string name, Type? typeArgument, params Type[] parameters)
        {
            if (typeArgument == null)
            {
                MethodInfo? exact = owner.GetMethod(name, BindingFlags.Public | BindingFlags.Static, null, parameters, null);
                if (exact != null && !exact.IsGenericMethodDefinition)
                {
                    return exact;
                }
            }
            else
            {
                foreach (MethodInfo candidate in owner.GetMethods(BindingFlags.Public | BindingFlags.Static))
                {
                    if (candidate.Name != name || !candidate.IsGenericMethodDefinition ||
                        candidate.GetGenericArguments().Length != 1 || candidate.GetParameters().Length != parameters.Length)
                    {
                        continue;
                    }

                    MethodInfo closed;
                    try
                    {
                        closed = candidate.MakeGenericMethod(typeArgument);
                    }
                    catch (ArgumentException)
                    {
                        continue;
                    }

                    ParameterInfo[] actual = closed.GetParameters();
                    bool match = true;
                    for (int i = 0; i < actual.Length && match; i++)
                    {
                        match = actual[i].ParameterType == parameters[i];
                    }

                    if (match)
                    {
                        return closed;
                    }
                }
            }

            throw Missing(owner.Name + "." + name + (typeArgument != null ? "<" + typeArgument.Name + ">" : "") +
                "(" + string.Join(", ", Array.ConvertAll(parameters, p => p.Name)) + ")");
        }

        /// <summary>A non-generic overload if there is one, else the generic one closed over <paramref name="element"/>.</summary>
        public static MethodInfo MethodAny(Type owner, string name, Type element, params Type[] parameters)
        {
            MethodInfo? exact = owner.GetMethod(name, BindingFlags.Public | BindingFlags.Static, null, parameters, null);
            return exact != null && !exact.IsGenericMethodDefinition ? exact : Method(owner, name, element, parameters);
        }

        /// <summary>A user-defined operator (<c>op_Addition</c>, ...) of <paramref name="owner"/>.</summary>
        public static MethodInfo Operator(Type owner, string name, params Type[] parameters)
            => Required(owner.GetMethod(name, BindingFlags.Public | BindingFlags.Static, null, parameters, null),
                owner.Name + "." + name + "(" + string.Join(", ", Array.ConvertAll(parameters, p => p.Name)) + ")");

        /// <summary>The method <paramref name="name"/> an interface declares.</summary>
        public static MethodInfo InterfaceMethod(Type contract, string name)
            => Required(contract.GetMethod(name), contract.Name + "." + name);

        /// <summary>The getter of a public property (static or instance) of <paramref name="owner"/>.</summary>
        public static MethodInfo Getter(Type owner, string property)
            => Required(owner.GetProperty(property)?.GetMethod, owner.Name + "." + property);

        private static MethodInfo ArrayData(Type element)
        {
            foreach (MethodInfo candidate in typeof(MemoryMarshal).GetMethods(BindingFlags.Public | BindingFlags.Static))
            {
                if (candidate.Name == nameof(MemoryMarshal.GetArrayDataReference) && candidate.IsGenericMethodDefinition)
                {
                    return candidate.MakeGenericMethod(element);
                }
            }

            throw Missing("MemoryMarshal.GetArrayDataReference<" + element.Name + ">(" + element.Name + "[])");
        }

        private static MethodInfo Required(MethodInfo? method, string what) => method ?? throw Missing(what);

        private static InvalidOperationException Missing(string what)
            => new InvalidOperationException("The kernel emitter calls " + what + ", which this runtime does not have.");
    }
}
