using System.Reflection;
using KernelCompiler.TestDriver;

// kernel-test-driver --class PREFIX [--class PREFIX ...] [--skip TEXT ...]
// Runs the test classes of KernelCompiler.Tests and KernelCompiler.Generators.Tests whose full name starts with a
// PREFIX; tests whose display name contains a TEXT count as skipped. Ends with "N passed, N failed, N skipped";
// exits 1 on any failure or when nothing ran.
var prefixes = new List<string>();
var skip = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    string? value = i + 1 < args.Length ? args[i + 1] : null;
    switch (args[i])
    {
        case "--class" when value is not null:
            prefixes.Add(value);
            i++;
            break;
        case "--skip" when value is not null:
            skip.Add(value);
            i++;
            break;
        default:
            Console.Error.WriteLine($"kernel-test-driver: unknown or incomplete argument '{args[i]}'; usage: --class PREFIX [--class PREFIX ...] [--skip TEXT ...]");
            return 2;
    }
}

if (prefixes.Count == 0)
{
    Console.Error.WriteLine("kernel-test-driver: no --class PREFIX given, nothing to run");
    return 2;
}

var output = Console.Out;
CpuReport.Write(output);
var totals = new RunTotals();
foreach (string name in new[] { "KernelCompiler.Tests", "KernelCompiler.Generators.Tests" })
{
    InProcessRunner.Run(Assembly.Load(name), prefixes, skip, totals, output);
}

output.WriteLine($"{totals.Passed} passed, {totals.Failed} failed, {totals.Skipped} skipped");
return totals.Failed > 0 || totals.Passed == 0 ? 1 : 0;
