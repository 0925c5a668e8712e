using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using KernelCompiler.Emit;
using KernelCompiler.Generic;
using KernelCompiler.Planning;

namespace KernelCompiler
{
    public abstract partial class LutKernel
    {
        /// <summary>
        /// Compiles <paramref name="model"/> to IL (Reflection.Emit) following the same plan as
        /// <see cref="GenerateSource"/>. Where dynamic code is unavailable (NativeAOT) it returns a table-driven
        /// kernel instead of failing.
        /// </summary>
        [RequiresDynamicCode("Compiles the model to IL at run time; without dynamic code a table-driven kernel is returned.")]
        public static LutKernel Compile(LutModel model, LutKernelOptions? options = null)
        {
            if (model is null) throw new ArgumentNullException(nameof(model));
            if (!RuntimeFeature.IsDynamicCodeSupported)
            {
                // No dynamic code (NativeAOT): the table-driven SIMD kernel computes the same results.
                return CreateGeneric(model, options);
            }

            KernelPlan plan = KernelPlanner.Create(model, (options ?? new LutKernelOptions()).ToPlanOptions());
            return IlKernelEmitter.Emit(plan);
        }

        /// <summary>The table-driven SIMD kernel: reads the model as data and generates no code, so it runs
        /// everywhere (NativeAOT included); the baseline that shows what <see cref="Compile"/> buys.</summary>
        public static LutKernel CreateGeneric(LutModel model, LutKernelOptions? options = null)
            => GenericKernel.Create(model, (options ?? new LutKernelOptions()).InstructionSet);

        /// <summary>The C# source of a kernel for <paramref name="model"/>: exactly what the source generator
        /// writes for the same model and options, and what <see cref="Compile"/> is equivalent to.</summary>
        public static string GenerateSource(LutModel model, LutKernelOptions? options = null,
            string className = "GeneratedKernel", string? @namespace = null)
        {
            if (model is null) throw new ArgumentNullException(nameof(model));
            if (className is null || !CSharpNames.IsIdentifier(className))
            {
                throw new ArgumentException("'" + className + "' is not a C# identifier.", nameof(className));
            }

            if (@namespace is not null && !CSharpNames.IsQualifiedName(@namespace))
            {
                throw new ArgumentException("'" + @namespace + "' is not a dotted C# name.", nameof(@namespace));
            }

            KernelPlan plan = KernelPlanner.Create(model, (options ?? new LutKernelOptions()).ToPlanOptions());
            return CSharpKernelWriter.Write(plan, new KernelSourceInfo(className, @namespace));
        }
    }
}
