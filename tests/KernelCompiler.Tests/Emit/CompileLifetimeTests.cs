using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace KernelCompiler.Tests.Emit;

/// <summary>A long-running process that compiles many models must not leak: emitted kernels are dynamic methods,
/// which the GC collects with their code once nothing references them. Runs alone: the heap it measures is the
/// process's, and other tests allocate in parallel.</summary>
[Collection(nameof(CompileLifetimeTests))]
public class CompileLifetimeTests
{
    [Fact]
    public void CompilingThousandsOfKernelsKeepsMemoryBounded()
    {
        var models = Enumerable.Range(0, 8).Select(i => RandomModels.Create(i, 12, 3, 4)).ToArray();
        float[] x = RandomModels.Rows(99, models[0], 70);
        for (int i = 0; i < 100; i++) CompileAndRun(models[i % models.Length], x); // warm the emitter itself

        long managedBefore = Settle();
        long processBefore = Process.GetCurrentProcess().PrivateMemorySize64;
        var kernels = new List<WeakReference>();
        for (int i = 0; i < 2000; i++) kernels.Add(CompileAndRun(models[i % models.Length], x));
        long managedAfter = Settle();
        long processAfter = Process.GetCurrentProcess().PrivateMemorySize64;

        Assert.All(kernels, k => Assert.False(k.IsAlive, "a compiled kernel was not collected"));
        Assert.True(managedAfter - managedBefore < 4 << 20, $"managed heap grew by {managedAfter - managedBefore} bytes");
        // Generous: leaked code and IL for 2000 kernels would be hundreds of MB.
        Assert.True(processAfter - processBefore < 64 << 20, $"process memory grew by {processAfter - processBefore} bytes");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference CompileAndRun(LutModel model, float[] x)
    {
        LutKernel kernel = LutKernel.Compile(model);
        var y = new float[x.Length / model.InputDimension * model.OutputDimension];
        kernel.Multiply(x, y); // JIT the dynamic methods, so their code exists to be freed
        return new WeakReference(kernel);
    }

    private static long Settle()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }
}

[CollectionDefinition(nameof(CompileLifetimeTests), DisableParallelization = true)]
public sealed class CompileLifetimeCollection;
