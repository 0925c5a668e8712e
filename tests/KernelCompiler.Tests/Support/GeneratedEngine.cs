using System.Collections.Concurrent;
using System.Reflection;

namespace KernelCompiler.Tests;

/// <summary>
/// The "generated" engine of the matrix: the C# the writer produces for a model, compiled in memory (Roslyn) and run
/// through <see cref="GeneratedKernel"/>. Compiling is the slow part, so the first kernel asked for on an instruction
/// set compiles every model of <see cref="EngineMatrixCases"/> it runs at once into one assembly; a model outside the
/// cases is compiled on its own. Both are cached for the test run. The matrix runs it on the cases whose source
/// compiles in moments (<see cref="Runs"/>: unrolled models of modest size, where the generated code differs most from
/// the data-driven engines); table-driven and very large generated kernels are run by GeneratedKernelTests.
/// </summary>
public static class GeneratedEngine
{
    /// <summary>Whether the matrix runs the generated engine on <paramref name="model"/>.</summary>
    public static bool Runs(LutModel model)
        => model.Codebooks <= 32 && model.OutputDimension * model.Codebooks <= 1024 && model.InputDimension <= 2048;

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
