using System;

namespace KernelCompiler
{
    public abstract partial class LutKernel
    {
        /// <summary>The C# source of a kernel for <paramref name="model"/>: exactly what the source generator
        /// writes for the same model and options, and what the compiled kernel is equivalent to.</summary>
        public static string GenerateSource(LutModel model, LutKernelOptions? options = null,
            string className = "GeneratedKernel", string? @namespace = null)
        {
            if (model is null) throw new ArgumentNullException(nameof(model));
            KernelPlan plan = KernelPlanner.Create(model, (options ?? new LutKernelOptions()).ToPlanOptions());
            return CSharpKernelWriter.Write(plan, new KernelSourceInfo(className, @namespace));
        }
    }
}
