using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using KernelCompiler.NetworkKernels;
using KernelCompiler.Runtime;

namespace KernelCompiler.Emit
{
    /// <summary>A network's emitted encode steps: the struct type (in a collectible assembly of its own) and the
    /// binder that runs the fused tile loop over it.</summary>
    internal sealed class EmittedNetworkSteps
    {
        public EmittedNetworkSteps(Type stepsType, Func<FusedNetworkRunner, NetworkTiles> bind)
        {
            StepsType = stepsType;
            Bind = bind;
        }

        /// <summary>The emitted struct implementing <see cref="INetworkKernelSteps"/> (tests read its methods).</summary>
        public Type StepsType { get; }

        /// <summary><see cref="NetworkTiles.For{TSteps}"/> closed over <see cref="StepsType"/>.</summary>
        public Func<FusedNetworkRunner, NetworkTiles> Bind { get; }
    }

    /// <summary>
    /// Emits a <see cref="NetworkPlan"/>'s encode steps as IL: a struct implementing <see cref="INetworkKernelSteps"/>
    /// with, per LUT layer and encode path, a static method calling its parts, each a few <see cref="NetworkEncodeSteps"/>
    /// calls whose split slots and thresholds are constants (ldc), and the interface methods dispatching on the layer: the struct
    /// CSharpNetworkWriter.Steps.cs writes, from the same <see cref="NetworkStepsShape"/>, in the same order. The fused
    /// tile loop (<see cref="FusedNetworkRunner.RunTile"/>) is then compiled for it, as for a generated network.
    /// </summary>
    [RequiresDynamicCode("Emits IL.")]
    [UnconditionalSuppressMessage("Trimming", "IL2060", Justification = "Closed over the steps type just emitted.")]
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Reads members of the type it has just emitted.")]
    internal static class IlNetworkEmitter
    {
        private const MethodAttributes InterfaceMethod = MethodAttributes.Public | MethodAttributes.Final |
            MethodAttributes.Virtual | MethodAttributes.HideBySig | MethodAttributes.NewSlot;

        private static readonly Type ByteRef = typeof(byte).MakeByRefType();

        private static readonly MethodInfo BindOpen = typeof(NetworkTiles).GetMethod(nameof(NetworkTiles.For))
            ?? throw new InvalidOperationException("NetworkTiles.For<TSteps> is missing.");

        private static readonly ConstructorInfo OutOfRange = typeof(ArgumentOutOfRangeException).GetConstructor(new[] { typeof(string) })
            ?? throw new InvalidOperationException("ArgumentOutOfRangeException(string) is missing.");

        private static int s_count;

        /// <summary>Emits the steps of <paramref name="plan"/>.</summary>
        [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods, typeof(NetworkEncodeSteps))]
        [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods, typeof(Vector128))]
        [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods, typeof(Vector256))]
        [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods, typeof(Vector512))]
        public static EmittedNetworkSteps Emit(NetworkPlan plan)
        {
            if (plan is null) throw new ArgumentNullException(nameof(plan));
            // Named for the network, so a profiler or a stack trace says which network a frame belongs to.
            string name = IlKernelEmitter.BlockStepsModule.Identifier(plan.Network.Name) + "_" + System.Threading.Interlocked.Increment(ref s_count).ToString(CultureInfo.InvariantCulture);
            AssemblyBuilder assembly = AssemblyBuilder.DefineDynamicAssembly(
                new AssemblyName("KernelCompiler.Emitted.Network." + name), AssemblyBuilderAccess.RunAndCollect);
            ModuleBuilder module = assembly.DefineDynamicModule("KernelCompiler.Emitted.Network." + name);
            TypeBuilder type = module.DefineType(name + ".NetworkSteps",
                TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.SequentialLayout | TypeAttributes.BeforeFieldInit,
                typeof(ValueType), new[] { typeof(INetworkKernelSteps) });

            var methods = new Dictionary<string, MethodBuilder>();
            foreach (NetworkLayerPlan layer in plan.Layers)
            {
                foreach (string path in NetworkStepsShape.Paths)
                {
                    if (!NetworkStepsShape.Has(layer, path)) continue;
                    List<List<EncodeCall>> parts = NetworkStepsShape.Parts(plan, layer.Index, path);
                    var partMethods = new MethodBuilder[parts.Count];
                    for (int part = 0; part < parts.Count; part++)
                    {
                        partMethods[part] = type.DefineMethod(NetworkStepsShape.PartName(layer.Index, path, part),
                            MethodAttributes.Private | MethodAttributes.Static, typeof(void), new[] { ByteRef, ByteRef });
                        // Fully optimised at once, as the generated steps' [AggressiveOptimization]: methods of an emitted
                        // assembly are otherwise tiered, and a tier-up can allocate on the calling thread.
                        partMethods[part].SetImplementationFlags(MethodImplAttributes.AggressiveOptimization);
                        EmitCalls(partMethods[part].GetILGenerator(), parts[part]);
                    }

                    // The layer's method: its parts in order.
                    string method = NetworkStepsShape.MethodName(layer.Index, path);
                    MethodBuilder builder = type.DefineMethod(method, MethodAttributes.Private | MethodAttributes.Static,
                        typeof(void), new[] { ByteRef, ByteRef });
                    ILGenerator il = builder.GetILGenerator();
                    foreach (MethodBuilder part in partMethods)
                    {
                        il.Emit(OpCodes.Ldarg_0);
                        il.Emit(OpCodes.Ldarg_1);
                        il.Emit(OpCodes.Call, part);
                    }

                    il.Emit(OpCodes.Ret);
                    methods.Add(method, builder);
                }
            }

            foreach (string path in NetworkStepsShape.Paths)
            {
                EmitDispatch(type, plan, path, methods);
            }

            Type created = type.CreateType();
            var bind = (Func<FusedNetworkRunner, NetworkTiles>)BindOpen.MakeGenericMethod(created).Invoke(null, null)!;
            return new EmittedNetworkSteps(created, bind);
        }

        /// <summary>Encode{path}(layer, ref values, ref codes): switch (layer) to the layer's method, else throw.</summary>
        private static void EmitDispatch(TypeBuilder type, NetworkPlan plan, string path, Dictionary<string, MethodBuilder> methods)
        {
            MethodInfo implemented = typeof(INetworkKernelSteps).GetMethod("Encode" + path)
                ?? throw new InvalidOperationException("INetworkKernelSteps.Encode" + path + " is missing.");
            MethodBuilder method = type.DefineMethod(implemented.Name, InterfaceMethod, typeof(void), new[] { typeof(int), ByteRef, ByteRef });
            ILGenerator il = method.GetILGenerator();
            Label fail = il.DefineLabel();
            var labels = new Label[plan.Layers.Count];
            for (int k = 0; k < labels.Length; k++)
            {
                labels[k] = NetworkStepsShape.Has(plan.Layers[k], path) ? il.DefineLabel() : fail;
            }

            il.Emit(OpCodes.Ldarg_1);
            il.Emit(OpCodes.Switch, labels);
            il.Emit(OpCodes.Br, fail);
            for (int k = 0; k < labels.Length; k++)
            {
                if (!NetworkStepsShape.Has(plan.Layers[k], path)) continue;
                il.MarkLabel(labels[k]);
                il.Emit(OpCodes.Ldarg_2);
                il.Emit(OpCodes.Ldarg_3);
                il.Emit(OpCodes.Call, methods[NetworkStepsShape.MethodName(k, path)]);
                il.Emit(OpCodes.Ret);
            }

            il.MarkLabel(fail);
            il.Emit(OpCodes.Ldstr, "layer");
            il.Emit(OpCodes.Newobj, OutOfRange);
            il.Emit(OpCodes.Throw);
            type.DefineMethodOverride(method, implemented);
        }

        /// <summary>NetworkEncodeSteps.Helper(ref values, ref codes, constants...) per call, then ret.</summary>
        private static void EmitCalls(ILGenerator il, List<EncodeCall> calls)
        {
            foreach (EncodeCall call in calls)
            {
                il.Emit(OpCodes.Ldarg_0);
                il.Emit(OpCodes.Ldarg_1);
                foreach (object argument in call.Arguments)
                {
                    if (argument is int i)
                    {
                        il.Emit(OpCodes.Ldc_I4, i);
                        continue;
                    }

                    var v = (ThresholdVector)argument;
                    if (v.IsZero)
                    {
                        il.Emit(OpCodes.Call, Zero(v.Width, v.IsInt));
                        continue;
                    }

                    for (int lane = 0; lane < v.Lanes; lane++)
                    {
                        if (v.Ints is int[] ints) il.Emit(OpCodes.Ldc_I4, ints[lane]);
                        else il.Emit(OpCodes.Ldc_R4, v.Floats![lane]);
                    }

                    il.Emit(OpCodes.Call, Create(v.Width, v.IsInt));
                }

                il.Emit(OpCodes.Call, typeof(NetworkEncodeSteps).GetMethod(call.Helper)
                    ?? throw new InvalidOperationException("NetworkEncodeSteps." + call.Helper + " is missing."));
            }

            il.Emit(OpCodes.Ret);
        }

        /// <summary>VectorN.Create(lane, lane, ...) of all N lanes, float or int.</summary>
        private static MethodInfo Create(int width, bool ints)
        {
            Type owner = width == 512 ? typeof(Vector512) : width == 256 ? typeof(Vector256) : typeof(Vector128);
            var parameters = new Type[width / 32];
            Array.Fill(parameters, ints ? typeof(int) : typeof(float));
            return owner.GetMethod(nameof(Vector128.Create), parameters)
                ?? throw new InvalidOperationException(owner.Name + ".Create(" + parameters.Length + " lanes) is missing.");
        }

        private static MethodInfo Zero(int width, bool ints)
        {
            Type owner = (width, ints) switch
            {
                (512, true) => typeof(Vector512<int>),
                (512, false) => typeof(Vector512<float>),
                (256, true) => typeof(Vector256<int>),
                (256, false) => typeof(Vector256<float>),
                (_, true) => typeof(Vector128<int>),
                _ => typeof(Vector128<float>),
            };
            return owner.GetProperty(nameof(Vector128<int>.Zero))!.GetMethod!;
        }
    }
}
