using System;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using KernelCompiler.Runtime;
using KernelCompiler.Emit.Paths;
using KernelCompiler.Planning;

namespace KernelCompiler.Emit
{
    /// <summary>A block path's entry point: <see cref="BlockKernelRuntime.Run"/> closed over the path's emitted steps
    /// type (the arguments after <c>steps</c>), returning the first row it did not do.</summary>
    internal delegate int BlockStepsRun(KernelOperation operation, ReadOnlySpan<float> x,
        ReadOnlySpan<byte> codesIn, int rows, int row, bool columnMajor, Span<byte> codes, Span<int> sums, Span<float> destination);

    internal static partial class IlKernelEmitter
    {
        /// <summary>
        /// Emits each block path's steps as a struct implementing <see cref="IBlockKernelSteps"/> in a collectible
        /// assembly of the kernel's own, the shape the generated source has (a struct per path), so the runtime's block
        /// loop is compiled for that struct with direct calls to the steps, as for a generated kernel, instead of
        /// calling a delegate per group and per output. The steps type also holds a static Run that closes
        /// <see cref="BlockKernelRuntime.Run"/> over it: the kernel calls that through one delegate per call.
        /// </summary>
        [RequiresDynamicCode("Emits IL.")]
        [UnconditionalSuppressMessage("Trimming", "IL2060", Justification = "Generic methods are closed over primitive element types and the emitted steps type only.")]
        [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Reads members of the type it has just emitted.")]
        internal sealed class BlockStepsModule
        {
            private readonly KernelPlan _plan;
            private readonly KernelRuntimeModel _model;
            private readonly ModuleBuilder _module;
            private readonly string _namespace;

            public BlockStepsModule(KernelPlan plan, KernelRuntimeModel model)
            {
                _plan = plan;
                _model = model;
                // Named for the model, as the generated source's class is, so a profiler or a stack trace says which
                // kernel a frame belongs to (e.g. "digits_3f2a9c1e.Avx2Steps.EncodeGroup").
                _namespace = Identifier(plan.Model.Name) + "_" + plan.ModelHash.Substring(0, 8);
                AssemblyBuilder assembly = AssemblyBuilder.DefineDynamicAssembly(
                    new AssemblyName("KernelCompiler.Emitted." + _namespace), AssemblyBuilderAccess.RunAndCollect);
                _module = assembly.DefineDynamicModule("KernelCompiler.Emitted." + _namespace);
                // The fused steps call internal helpers of this assembly (EmittedFusedHelpers), as their DynamicMethods
                // did with skipVisibility.
                IgnoreAccessChecksTo(assembly, _module, typeof(IlKernelEmitter).Assembly.GetName().Name!);
            }

            /// <summary>The kernel's own module, which the fused steps types join.</summary>
            public ModuleBuilder Module => _module;

            /// <summary>The namespace of the kernel's steps types (model name and hash).</summary>
            public string Namespace => _namespace;

            /// <summary>The steps of <paramref name="path"/> as a new type; its Run as a delegate.</summary>
            public BlockStepsRun EmitBlockSteps(KernelPath path)
            {
                IlPathEmitter emitter = IlPathEmitter.For(path);
                TypeBuilder type = _module.DefineType(_namespace + "." + path.Name + "Steps",
                    TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.SequentialLayout | TypeAttributes.BeforeFieldInit,
                    typeof(ValueType), new[] { typeof(IBlockKernelSteps) });
                FieldBuilder lanes = type.DefineField("ThresholdLanes", typeof(float[]), FieldAttributes.Public | FieldAttributes.Static);
                FieldBuilder slotOf = type.DefineField("SlotOfLevel", typeof(int[]), FieldAttributes.Public | FieldAttributes.Static);
                FieldBuilder model = type.DefineField("s_model", typeof(KernelRuntimeModel), FieldAttributes.Public | FieldAttributes.Static);

                // The step bodies, static with the data as arguments (IlKernelEmitter.Steps.cs).
                MethodBuilder encodeCore = type.DefineMethod("EncodeGroupCore", MethodAttributes.Private | MethodAttributes.Static,
                    typeof(void), new[] { FloatRef, ByteRef, typeof(nint), FloatRef, IntRef });
                // Fully optimised at once, as DynamicMethods and the generated steps ([AggressiveOptimization]) are: methods
                // of an emitted assembly are otherwise tiered, and a tier-up can allocate on the calling thread.
                encodeCore.SetImplementationFlags(MethodImplAttributes.AggressiveOptimization);
                EmitEncodeGroup(encodeCore.GetILGenerator(), _plan, emitter);
                MethodBuilder aggregate = type.DefineMethod(nameof(IBlockKernelSteps.AggregateBlock), InterfaceMethod,
                    typeof(void), new[] { ByteRef, ByteRef, IntRef });
                aggregate.SetImplementationFlags(MethodImplAttributes.AggressiveInlining);
                ILGenerator aggregateIl = aggregate.GetILGenerator();
                aggregateIl.Emit(OpCodes.Ldarg_1);
                aggregateIl.Emit(OpCodes.Ldarg_2);
                aggregateIl.Emit(OpCodes.Ldarg_3);
                aggregateIl.Emit(OpCodes.Call, EmitAggregateCore(type, emitter));
                aggregateIl.Emit(OpCodes.Ret);
                type.DefineMethodOverride(aggregate, IlMembers.StepsAggregateBlock);

                // EncodeGroup(ref slots, ref block, row) => EncodeGroupCore(..., ref lanes[0], ref slotOf[0])
                MethodBuilder encode = type.DefineMethod(nameof(IBlockKernelSteps.EncodeGroup), InterfaceMethod,
                    typeof(void), new[] { FloatRef, ByteRef, typeof(nint) });
                encode.SetImplementationFlags(MethodImplAttributes.AggressiveInlining);
                ILGenerator encodeIl = encode.GetILGenerator();
                encodeIl.Emit(OpCodes.Ldarg_1);
                encodeIl.Emit(OpCodes.Ldarg_2);
                encodeIl.Emit(OpCodes.Ldarg_3);
                encodeIl.Emit(OpCodes.Ldsfld, lanes);
                encodeIl.Emit(OpCodes.Call, IlMembers.FloatArrayData);
                encodeIl.Emit(OpCodes.Ldsfld, slotOf);
                encodeIl.Emit(OpCodes.Call, IlMembers.IntArrayData);
                encodeIl.Emit(OpCodes.Call, encodeCore);
                encodeIl.Emit(OpCodes.Ret);
                type.DefineMethodOverride(encode, IlMembers.StepsEncodeGroup);

                // KernelRuntimeModel Model => s_model;
                MethodBuilder modelGetter = type.DefineMethod("get_Model", InterfaceMethod | MethodAttributes.SpecialName,
                    typeof(KernelRuntimeModel), Type.EmptyTypes);
                ILGenerator modelIl = modelGetter.GetILGenerator();
                modelIl.Emit(OpCodes.Ldsfld, model);
                modelIl.Emit(OpCodes.Ret);
                type.DefineMethodOverride(modelGetter, IlMembers.StepsModel);
                type.DefineProperty(nameof(IBlockKernelSteps.Model), PropertyAttributes.None, typeof(KernelRuntimeModel), Type.EmptyTypes)
                    .SetGetMethod(modelGetter);

                Constant(type, nameof(IBlockKernelSteps.BlockRows), IlMembers.StepsBlockRows, path.RowsPerBlock);
                Constant(type, nameof(IBlockKernelSteps.GroupRows), IlMembers.StepsGroupRows, path.FloatLanes);

                // static int Run(...) => BlockKernelRuntime.Run(default(ThisType), ...)
                MethodBuilder run = type.DefineMethod("Run", MethodAttributes.Public | MethodAttributes.Static, typeof(int), IlMembers.BlockRunParameters);
                run.SetImplementationFlags(MethodImplAttributes.AggressiveOptimization);
                ILGenerator runIl = run.GetILGenerator();
                LocalBuilder steps = runIl.DeclareLocal(type);
                runIl.Emit(OpCodes.Ldloca, steps);
                runIl.Emit(OpCodes.Initobj, type);
                runIl.Emit(OpCodes.Ldloc, steps);
                for (short i = 0; i < IlMembers.BlockRunParameters.Length; i++)
                {
                    runIl.Emit(OpCodes.Ldarg, i);
                }

                runIl.Emit(OpCodes.Call, IlMembers.BlockRun.MakeGenericMethod(type));
                runIl.Emit(OpCodes.Ret);

                Type created = type.CreateType();
                created.GetField(lanes.Name)!.SetValue(null, _plan.ThresholdLanes);
                created.GetField(slotOf.Name)!.SetValue(null, _plan.SlotOfLevel);
                created.GetField(model.Name)!.SetValue(null, _model);
                return created.GetMethod(run.Name)!.CreateDelegate<BlockStepsRun>();
            }

            private const MethodAttributes InterfaceMethod = MethodAttributes.Public | MethodAttributes.Final |
                MethodAttributes.Virtual | MethodAttributes.HideBySig | MethodAttributes.NewSlot;

            private MethodBuilder EmitAggregateCore(TypeBuilder type, IlPathEmitter path)
            {
                MethodBuilder core = type.DefineMethod("AggregateBlockCore", MethodAttributes.Private | MethodAttributes.Static,
                    typeof(void), new[] { ByteRef, ByteRef, IntRef });
                core.SetImplementationFlags(MethodImplAttributes.AggressiveOptimization);
                EmitAggregateBlock(core.GetILGenerator(), _plan, path);
                return core;
            }

            // int Name { get; } => value, implementing IBlockKernelSteps.Name (whose getter is 'implemented').
            private static void Constant(TypeBuilder type, string name, MethodInfo implemented, int value)
            {
                MethodBuilder getter = type.DefineMethod("get_" + name, InterfaceMethod | MethodAttributes.SpecialName,
                    typeof(int), Type.EmptyTypes);
                ILGenerator il = getter.GetILGenerator();
                il.Emit(OpCodes.Ldc_I4, value);
                il.Emit(OpCodes.Ret);
                type.DefineMethodOverride(getter, implemented);
                PropertyBuilder property = type.DefineProperty(name, PropertyAttributes.None, typeof(int), Type.EmptyTypes);
                property.SetGetMethod(getter);
            }

            // A model name as a type-name part: letters, digits and underscores only.
            internal static string Identifier(string name)
            {
                var sb = new StringBuilder(name.Length + 1);
                foreach (char ch in name)
                {
                    sb.Append(char.IsAsciiLetterOrDigit(ch) ? ch : '_');
                }

                return sb.Length == 0 || char.IsAsciiDigit(sb[0]) ? "_" + sb : sb.ToString();
            }
        }
    }
}
