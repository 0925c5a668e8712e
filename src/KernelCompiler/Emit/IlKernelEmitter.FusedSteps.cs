using System;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using KernelCompiler.Runtime;

namespace KernelCompiler.Emit
{
    /// <summary>The fused AVX-512 VBMI path's entry point: <see cref="FusedKernelRuntime.Run"/> closed over the emitted
    /// steps type, returning the first row it did not do.</summary>
    internal delegate int FusedStepsRun(KernelOperation operation, ReadOnlySpan<float> x, ReadOnlySpan<byte> codesIn,
        int rows, bool columnMajor, Span<byte> codes, Span<int> sums, Span<float> destination);

    /// <summary>FusedKernelRuntime.MultiplyRows closed over the emitted steps type, for column-major rows
    /// <paramref name="start"/> .. <paramref name="end"/> read in place; returns how many rows it did.</summary>
    internal delegate int FusedStepsMultiplyRows(ReadOnlySpan<float> x, int rows, int start, int end, Span<float> destination);

    /// <summary>
    /// The fused AVX-512 VBMI path's emitted steps: a struct type implementing <see cref="IFusedKernelSteps"/> (in the
    /// kernel's own collectible assembly, beside the block steps) and the runtime's entry points compiled for it, so
    /// the runtime's tile loop calls the steps directly, as it does a generated kernel's FusedSteps.
    /// </summary>
    internal readonly struct EmittedFusedSteps
    {
        /// <summary>The steps type and its entry points.</summary>
        public EmittedFusedSteps(Type stepsType, FusedStepsRun run, FusedStepsMultiplyRows multiplyRows)
        {
            StepsType = stepsType;
            Run = run;
            MultiplyRows = multiplyRows;
        }

        /// <summary>The emitted struct (tests read its step methods).</summary>
        public Type StepsType { get; }

        /// <summary><see cref="FusedKernelRuntime.Run"/> over <see cref="StepsType"/>.</summary>
        public FusedStepsRun Run { get; }

        /// <summary>FusedKernelRuntime.MultiplyRows over <see cref="StepsType"/>, column-major input.</summary>
        public FusedStepsMultiplyRows MultiplyRows { get; }
    }

    /// <summary>
    /// The runtime's entry points closed over an emitted steps type: made with MakeGenericMethod for the type just
    /// emitted and called through one delegate per call, so the JIT compiles the runtime's loops for that struct with
    /// direct calls to its steps (as for a generated kernel, whose dispatch passes <c>default(FusedSteps)</c>).
    /// </summary>
    internal static class EmittedStepsEntry
    {
        /// <summary>FusedKernelRuntime.Run(default(TSteps), ...).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static int FusedRun<TSteps>(KernelOperation operation, ReadOnlySpan<float> x, ReadOnlySpan<byte> codesIn,
            int rows, bool columnMajor, Span<byte> codes, Span<int> sums, Span<float> destination)
            where TSteps : struct, IFusedKernelSteps
            => FusedKernelRuntime.Run(default(TSteps), operation, x, codesIn, rows, columnMajor, codes, sums, destination);

        /// <summary>FusedKernelRuntime.MultiplyRows over default(TSteps), column-major, with its model's shape.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static int FusedMultiplyRows<TSteps>(ReadOnlySpan<float> x, int rows, int start, int end, Span<float> destination)
            where TSteps : struct, IFusedKernelSteps
        {
            TSteps steps = default;
            KernelRuntimeModel model = steps.Model;
            return FusedKernelRuntime.MultiplyRows(ref steps, model.InputDimension, model.Codebooks, model.OutputDimension, x, rows,
                start, end, columnMajor: true, model.Steps, model.Offsets, destination, model.Aggregation == LutAggregation.Average);
        }

        /// <summary>FusedAvx2KernelRuntime.Run(default(TSteps), ...).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static int FusedAvx2Run<TSteps>(KernelOperation operation, ReadOnlySpan<float> x, ReadOnlySpan<byte> codesIn,
            int rows, int row, bool columnMajor, Span<byte> codes, Span<int> sums, Span<float> destination)
            where TSteps : struct, IFusedAvx2KernelSteps
            => FusedAvx2KernelRuntime.Run(default(TSteps), operation, x, codesIn, rows, row, columnMajor, codes, sums, destination);

        /// <summary>FusedVector128KernelRuntime.Run(default(TSteps), ...).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static int FusedVector128Run<TSteps>(KernelOperation operation, ReadOnlySpan<float> x, ReadOnlySpan<byte> codesIn,
            int rows, int row, bool columnMajor, Span<byte> codes, Span<int> sums, Span<float> destination)
            where TSteps : struct, IFusedVector128KernelSteps
            => FusedVector128KernelRuntime.Run(default(TSteps), operation, x, codesIn, rows, row, columnMajor, codes, sums, destination);
    }

    internal static partial class IlKernelEmitter
    {
        /// <summary>Lets <paramref name="assembly"/> call the internal members of the assembly <paramref name="target"/>:
        /// the runtime honours an IgnoresAccessChecksToAttribute that the dynamic assembly defines itself (the BCL has
        /// no public one).</summary>
        [RequiresDynamicCode("Emits IL.")]
        [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Reads members of the type it has just emitted.")]
        private static void IgnoreAccessChecksTo(AssemblyBuilder assembly, ModuleBuilder module, string target)
        {
            TypeBuilder attribute = module.DefineType("System.Runtime.CompilerServices.IgnoresAccessChecksToAttribute",
                TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Class, typeof(Attribute));
            ConstructorBuilder ctor = attribute.DefineConstructor(MethodAttributes.Public, CallingConventions.HasThis, new[] { typeof(string) });
            ILGenerator il = ctor.GetILGenerator();
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Call, IlMembers.AttributeConstructor);
            il.Emit(OpCodes.Ret);
            Type created = attribute.CreateType();
            ConstructorInfo createdCtor = created.GetConstructor(new[] { typeof(string) })
                ?? throw new InvalidOperationException("The emitted IgnoresAccessChecksToAttribute has no constructor (string).");
            assembly.SetCustomAttribute(new CustomAttributeBuilder(createdCtor, new object[] { target }));
        }

        /// <summary>
        /// A fused path's steps type under construction: a struct implementing the path's steps interface whose step
        /// bodies are private static "…Core" methods taking the data as arguments (IL has no static data; the C# writer's
        /// steps read statics), each interface method a forwarding call the JIT inlines; the model and the tables
        /// Scan reads are static fields set once the type is created.
        /// </summary>
        [RequiresDynamicCode("Emits IL.")]
        [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Reads members of the type it has just emitted.")]
        internal sealed class FusedStepsType
        {
            private readonly TypeBuilder _type;
            private readonly FieldBuilder _model;
            private readonly FieldBuilder _tables;
            private readonly Type _contract;

            private const MethodAttributes InterfaceMethod = MethodAttributes.Public | MethodAttributes.Final |
                MethodAttributes.Virtual | MethodAttributes.HideBySig | MethodAttributes.NewSlot;

            /// <summary>Defines <paramref name="name"/> implementing <paramref name="contract"/> in <paramref name="module"/>.</summary>
            public FusedStepsType(ModuleBuilder module, string name, Type contract)
            {
                _contract = contract;
                _type = module.DefineType(name,
                    TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.SequentialLayout | TypeAttributes.BeforeFieldInit,
                    typeof(ValueType), new[] { contract });
                _model = _type.DefineField("s_model", typeof(KernelRuntimeModel), FieldAttributes.Public | FieldAttributes.Static);
                _tables = _type.DefineField("s_tables", typeof(AlignedBytes), FieldAttributes.Public | FieldAttributes.Static);

                // KernelRuntimeModel Model => s_model;
                MethodBuilder getter = _type.DefineMethod("get_Model", InterfaceMethod | MethodAttributes.SpecialName,
                    typeof(KernelRuntimeModel), Type.EmptyTypes);
                ILGenerator il = getter.GetILGenerator();
                il.Emit(OpCodes.Ldsfld, _model);
                il.Emit(OpCodes.Ret);
                _type.DefineMethodOverride(getter, IlMembers.Getter(contract, nameof(IFusedKernelSteps.Model)));
                _type.DefineProperty(nameof(IFusedKernelSteps.Model), PropertyAttributes.None, typeof(KernelRuntimeModel), Type.EmptyTypes)
                    .SetGetMethod(getter);
            }

            /// <summary>A step body: private static, fully optimised at once (as the generated steps' [AggressiveOptimization]):
            /// methods of an emitted assembly are otherwise tiered, and a tier-up can allocate on the calling thread.</summary>
            public MethodBuilder Core(string step, Type[] parameters)
            {
                MethodBuilder core = _type.DefineMethod(step + "Core", MethodAttributes.Private | MethodAttributes.Static,
                    typeof(void), parameters);
                core.SetImplementationFlags(MethodImplAttributes.AggressiveOptimization);
                return core;
            }

            /// <summary>The interface method <paramref name="step"/> as a call of <paramref name="core"/> with its own
            /// arguments; with <paramref name="tablesAfterFirst"/>, s_tables.Reference is passed after the first.</summary>
            public void Forward(string step, MethodBuilder core, bool tablesAfterFirst)
            {
                MethodInfo implemented = IlMembers.InterfaceMethod(_contract, step);
                Type[] parameters = Array.ConvertAll(implemented.GetParameters(), p => p.ParameterType);
                MethodBuilder method = _type.DefineMethod(step, InterfaceMethod, typeof(void), parameters);
                method.SetImplementationFlags(MethodImplAttributes.AggressiveInlining);
                ILGenerator il = method.GetILGenerator();
                for (short i = 1; i <= parameters.Length; i++)
                {
                    il.Emit(OpCodes.Ldarg, i);
                    if (i == 1 && tablesAfterFirst)
                    {
                        il.Emit(OpCodes.Ldsfld, _tables);
                        il.Emit(OpCodes.Callvirt, IlMembers.AlignedBytesReference);
                    }
                }

                il.Emit(OpCodes.Call, core);
                il.Emit(OpCodes.Ret);
                _type.DefineMethodOverride(method, implemented);
            }

            /// <summary>Creates the type and sets its model and tables.</summary>
            public Type Create(KernelRuntimeModel model, AlignedBytes tables)
            {
                Type created = _type.CreateType();
                created.GetField(_model.Name)!.SetValue(null, model);
                created.GetField(_tables.Name)!.SetValue(null, tables);
                return created;
            }
        }
    }
}
