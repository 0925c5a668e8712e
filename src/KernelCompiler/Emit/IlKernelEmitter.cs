using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using KernelCompiler.Runtime;
using KernelCompiler.Planning;

namespace KernelCompiler.Emit
{
    /// <summary>
    /// Emits a <see cref="KernelPlan"/> as IL (a struct of steps per path in a collectible assembly of the kernel's own;
    /// no Roslyn at run time). It walks the plan in the same order and emits the same operations as <see cref="CSharpKernelWriter"/>
    /// (the step methods in IlKernelEmitter.Steps.cs mirror CSharpKernelWriter.Steps.cs name for name): the two
    /// move together. One difference by nature: the IsSupported guards the C# tests at run time are tested here
    /// when the IL is emitted, on the machine that runs it, so only the paths this CPU supports are emitted.
    /// </summary>
    [RequiresDynamicCode("Emits IL.")]
    [UnconditionalSuppressMessage("Trimming", "IL2060", Justification = "Generic intrinsics are closed over primitive element types only.")]
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "Emit keeps the public methods of every type looked up (DynamicDependency).")]
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Emit keeps the public methods of every type looked up (DynamicDependency).")]
    internal static partial class IlKernelEmitter
    {
        [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods, typeof(Vector128))]
        [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods, typeof(Vector256))]
        [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods, typeof(Vector512))]
        [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.PublicProperties, typeof(Vector128<>))]
        [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.PublicProperties, typeof(Vector256<>))]
        [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.PublicProperties, typeof(Vector512<>))]
        [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods, typeof(Avx512F))]
        [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods, typeof(Avx512BW))]
        [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods, typeof(Avx512Vbmi))]
        [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods, typeof(Avx2))]
        [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods, typeof(Ssse3))]
        [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods, typeof(Sse2))]
        [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods, typeof(AdvSimd))]
        [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods, typeof(AdvSimd.Arm64))]
        [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods, typeof(Unsafe))]
        [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods, typeof(EmittedFusedHelpers))]
        [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods, typeof(FusedAvx2Tiles))]
        [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods, typeof(FusedVector128Tiles))]
        public static EmittedKernel Emit(KernelPlan plan)
        {
            if (plan is null) throw new ArgumentNullException(nameof(plan));
            var paths = new List<EmittedPath>();
            BlockStepsModule? module = null;
            byte[] tables = plan.Model.Tables.ToArray();
            var model = new KernelRuntimeModel(KernelRuntimeModel.ContractVersion, plan.InputDimension, plan.Codebooks,
                plan.OutputDimension, plan.Model.Aggregation, plan.SlotDimensions, tables, plan.Model.Steps, plan.Model.Offsets);
            EmittedFusedSteps? fused = null;
            foreach (KernelPath path in plan.Paths)
            {
                if (!plan.IsSupported(path))
                {
                    continue;
                }

                module ??= new BlockStepsModule(plan, model);
                if (path.InstructionSet == KernelInstructionSet.Avx2Fused)
                {
                    paths.Add(new EmittedPath(path, IlFusedAvx2Emitter.Emit(plan, model, module)));
                    continue;
                }

                if (path.InstructionSet == KernelInstructionSet.Vector128Fused)
                {
                    paths.Add(new EmittedPath(path, IlFusedVector128Emitter.Emit(plan, model, module)));
                    continue;
                }

                if (path.IsFused)
                {
                    // The fused path's tables are the model's own when C is a multiple of 4 (as in the C# writer).
                    fused = EmitFusedSteps(plan, model, plan.Codebooks % 4 == 0 ? tables : plan.FusedTables(), module);
                    continue;
                }

                paths.Add(new EmittedPath(path, module.EmitBlockSteps(path)));
            }

            return new EmittedKernel(plan, model, fused, paths.ToArray());
        }

        /// <summary><see cref="IlMembers.Method"/>, for the fused steps.</summary>
        internal static MethodInfo Method(Type owner, string name, Type? typeArgument, params Type[] parameters)
            => IlMembers.Method(owner, name, typeArgument, parameters);

        /// <summary>A thin ILGenerator wrapper: constants, arguments, locals, calls.</summary>
        internal sealed class Il
        {
            private readonly Dictionary<string, LocalBuilder> _locals = new Dictionary<string, LocalBuilder>();

            public Il(ILGenerator generator)
            {
                G = generator;
            }

            public ILGenerator G { get; }

            public void Int(int value) => G.Emit(OpCodes.Ldc_I4, value);

            public void Float(float value) => G.Emit(OpCodes.Ldc_R4, value);

            public void Arg(int index) => G.Emit(OpCodes.Ldarg, (short)index);

            public void Op(OpCode code) => G.Emit(code);

            public void Call(MethodInfo method) => G.Emit(OpCodes.Call, method);

            public LocalBuilder Declare(string name, Type type)
            {
                LocalBuilder local = G.DeclareLocal(type);
                _locals.Add(name, local);
                return local;
            }

            public void Load(string name) => G.Emit(OpCodes.Ldloc, _locals[name]);

            public void Store(string name) => G.Emit(OpCodes.Stloc, _locals[name]);

            /// <summary>for (c = 0; c &lt; count; c += step) { body }</summary>
            public void Loop(string counter, int count, int step, Action body)
            {
                Label top = G.DefineLabel();
                Label test = G.DefineLabel();
                Int(0);
                Store(counter);
                G.Emit(OpCodes.Br, test);
                G.MarkLabel(top);
                body();
                Load(counter);
                Int(step);
                Op(OpCodes.Add);
                Store(counter);
                G.MarkLabel(test);
                Load(counter);
                Int(count);
                G.Emit(OpCodes.Blt, top);
            }

            public void Return() => G.Emit(OpCodes.Ret);
        }
    }
}
