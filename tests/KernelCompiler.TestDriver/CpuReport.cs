using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using KernelCompiler.Runtime;

namespace KernelCompiler.TestDriver;

/// <summary>What this process runs on and which path each backend's Auto choice takes here, printed before the tests
/// so a log shows whether the vector paths ran at all (under emulation a missing guard would fall back to scalar and
/// still pass).</summary>
public static class CpuReport
{
    public static void Write(TextWriter output)
    {
        output.WriteLine($"process   {RuntimeInformation.ProcessArchitecture} on {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
        output.WriteLine($"isa       AdvSimd {AdvSimd.IsSupported}, AdvSimd.Arm64 {AdvSimd.Arm64.IsSupported}, " +
            $"Vector128 accelerated {Vector128.IsHardwareAccelerated}, Ssse3 {Ssse3.IsSupported}, Avx2 {Avx2.IsSupported}, " +
            $"Avx512BW {Avx512BW.IsSupported}, fused (Avx512Vbmi) {FusedKernelRuntime.IsSupported}");

        var model = new LutModel(8, 2, new int[8], new float[30], new byte[2 * 2 * 16], [1f, 1f], [0f, 0f], LutAggregation.Exact);
        output.WriteLine("auto      generic: " + Internal(LutKernel.CreateGeneric(model), "InstructionSet") +
            "; emitted: " + Internal(LutKernel.Compile(model), "PathNames"));
        output.WriteLine("generated guards (LutKernel.GenerateSource, in order): " + string.Join("; ", GeneratedGuards(model)));
    }

    /// <summary>An internal property read for this report only; "unknown" once it is renamed.</summary>
    private static string Internal(object kernel, string property)
        => kernel.GetType().GetProperty(property, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            ?.GetValue(kernel)?.ToString() ?? "unknown (no " + property + ")";

    /// <summary>The run method's path guards of the generated source and their value in this process.</summary>
    private static IEnumerable<string> GeneratedGuards(LutModel model)
    {
        var known = new Dictionary<string, bool>
        {
            ["global::KernelCompiler.Runtime.FusedKernelRuntime.IsSupported"] = FusedKernelRuntime.IsSupported,
            ["Avx512BW.IsSupported"] = Avx512BW.IsSupported,
            ["Avx2.IsSupported"] = Avx2.IsSupported,
            ["Ssse3.IsSupported || AdvSimd.Arm64.IsSupported"] = Ssse3.IsSupported || AdvSimd.Arm64.IsSupported,
        };
        foreach (string line in LutKernel.GenerateSource(model).Split('\n'))
        {
            string trimmed = line.Trim();
            if (trimmed.StartsWith("if (", StringComparison.Ordinal) && trimmed.EndsWith(".IsSupported)", StringComparison.Ordinal))
            {
                string guard = trimmed[4..^1];
                yield return guard + " = " + (known.TryGetValue(guard, out bool value) ? value.ToString() : "(not evaluated here)");
            }
        }
    }
}
