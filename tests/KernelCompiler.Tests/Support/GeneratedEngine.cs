using System.Collections.Concurrent;
using System.Reflection;

namespace KernelCompiler.Tests;

/// <summary>
/// The "generated" engine of the matrix: the C# the writer produces for a model, compiled in memory (Roslyn) and run
/// through <see cref="GeneratedKernel"/>. Compiling is the slow part, so the first kernel asked for on an instruction
/// set compiles every model of <see cref="EngineMatrixCases"/> it runs at once into one assembly; a model outside the
/// cases is compiled on its own. Both are cached for the test run. The matrix runs it on every case whose tables are at
/// most <see cref="MaxTableEntries"/> (<see cref="Runs"/>), unrolled or table-driven, whatever C and D; kernels with
/// larger tables are run by GeneratedKernelTests.
/// </summary>
public static class GeneratedEngine
{
    /// <summary>M · C: 32 KiB of tables. Roslyn's time is what limits the matrix, and it grows with the source, which grows
    /// with the tables (written as decimal byte literals up to 256 KiB, about 3.5 characters a byte) far more than with C
    /// (past 32 codebooks the steps are table-driven loops) or D (the source holds only the split columns). Doubling
    /// the limit doubled the generated engine's share of the matrix's time again (to 515 runs, from 365 before this
    /// limit), mostly in compiling: see GeneratedKernelTests for the larger kernels.</summary>
    public const int MaxTableEntries = 2048;

    /// <summary>Whether the matrix runs the generated engine on <paramref name="model"/>.</summary>
    public static bool Runs(LutModel model) => (long)model.OutputDimension * model.Codebooks <= MaxTableEntries;

    private static readonly ConcurrentDictionary<KernelInstructionSet, Lazy<Dictionary<LutModel, Type>>> Batches = new();
    private static readonly ConcurrentDictionary<(LutModel, KernelInstructionSet), Lazy<Type>> Singles = new();

    public static LutKernel Create(LutModel model, KernelInstructionSet instructionSet)
    {
        Dictionary<LutModel, Type> batch = Batches.GetOrAdd(instructionSet,
            isa => new Lazy<Dictionary<LutModel, Type>>(() => CompileCases(isa))).Value;
        if (!batch.TryGetValue(model, out Type? type))
        {
            type = Singles.GetOrAdd((model, instructionSet), k => new Lazy<Type>(() => Compile([k.Item1], k.Item2)[0])).Value;
        }

        return new GeneratedKernel(model, type);
    }

    private static Dictionary<LutModel, Type> CompileCases(KernelInstructionSet instructionSet)
    {
        var models = EngineMatrixCases.Names.Select(n => EngineMatrixCases.Get(n).Model).Where(Runs)
            .Distinct(ReferenceEqualityComparer.Instance).Cast<LutModel>().ToList();
        Type[] types = Compile(models, instructionSet);
        var map = new Dictionary<LutModel, Type>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < models.Count; i++) map[models[i]] = types[i];
        return map;
    }

    private static Type[] Compile(IReadOnlyList<LutModel> models, KernelInstructionSet instructionSet)
    {
        var options = new LutKernelOptions { InstructionSet = instructionSet };
        var sources = models.Select((m, i) => LutKernel.GenerateSource(m, options, "Kernel" + i, "Matrix.Generated")).ToList();
        Assembly assembly = GeneratedSource.Compile(sources, allowUnsafe: true);
        return models.Select((_, i) => assembly.GetType("Matrix.Generated.Kernel" + i, throwOnError: true)!).ToArray();
    }
}
