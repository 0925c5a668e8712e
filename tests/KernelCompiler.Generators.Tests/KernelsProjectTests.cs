using System.Reflection;
using KernelCompiler.Kernels;
using KernelCompiler.Tests;

namespace KernelCompiler.Generators.Tests;

/// <summary>The kernels/ project: every shipped model has a generated class, and each class equals the reference
/// kernel on its model.</summary>
public class KernelsProjectTests
{
    private static readonly Assembly KernelsAssembly = typeof(RandomSmallKernel).Assembly;

    private static IEnumerable<Type> Kernels()
        => KernelsAssembly.GetTypes().Where(t => t.GetCustomAttribute<LutKernelAttribute>() is not null).OrderBy(t => t.FullName);

    public static TheoryData<string> KernelTypes() => new(Kernels().Select(t => t.FullName!));

    private static string ModelFileOf(Type type)
        => Path.GetFullPath(Path.Combine(Repository.KernelsProjectDirectory, type.GetCustomAttribute<LutKernelAttribute>()!.ModelPath));

    [Theory]
    [MemberData(nameof(KernelTypes))]
    public void KernelEqualsTheReferenceKernel(string typeName)
    {
        Type type = KernelsAssembly.GetType(typeName)!;
        LutModel model = LutModel.Load(ModelFileOf(type));

        Equivalence.AssertEqualToReference(new GeneratedKernel(model, type), model, seed: 500);
    }

    /// <summary>The trained kernels on the real test rows they were trained for (the large data sets, or the repository's
    /// slices of them in samples/).</summary>
    [SkippableTheory]
    [InlineData("KernelCompiler.Kernels.DigitsKernel", "digits/X_test.npy")]
    [InlineData("KernelCompiler.Kernels.MnistC16Kernel", "mnist-mlp512/X_test.npy")]
    [InlineData("KernelCompiler.Kernels.MnistC32Kernel", "mnist-mlp512/X_test.npy")]
    [InlineData("KernelCompiler.Kernels.PhotosSobelGaussKernel", "im2col-photos/X_test.npy")]
    public void TrainedKernelEqualsTheReferenceOnRealRows(string typeName, string rowsFile)
    {
        Type type = KernelsAssembly.GetType(typeName)!;
        LutModel model = LutModel.Load(ModelFileOf(type));
        float[] x = KernelCompiler.IO.NpyFile.Read(SharedData.Rows(Path.GetDirectoryName(rowsFile)!, Path.GetFileName(rowsFile))).ToSingle();

        Equivalence.AssertEqualOnRows(new GeneratedKernel(model, type), model, x);
    }

    [Fact]
    public void EveryShippedModelHasAKernelClass()
    {
        var compiled = Kernels().Select(ModelFileOf).ToHashSet();
        string[] models = Directory.GetFiles(Repository.ModelsDirectory, "*.lut.json").Select(Path.GetFullPath).ToArray();

        Assert.NotEmpty(models);
        Assert.All(models, file => Assert.True(compiled.Contains(file), file + " has no [LutKernel] class in kernels/"));
    }

    /// <summary>The random-*.lut.json files are generator fixtures, not trained models: they must be exactly the
    /// seeded models they claim to be (regenerate with KERNELCOMPILER_ACCEPT_SNAPSHOTS=1).</summary>
    [Theory]
    [InlineData("random-small.lut.json", 101, 10, 3, 4, LutAggregation.Exact)]
    [InlineData("random-average.lut.json", 102, 37, 10, 16, LutAggregation.Average)]
    public void RandomFixtureIsItsSeededModel(string file, int seed, int d, int m, int c, LutAggregation aggregation)
    {
        string path = Path.Combine(Repository.ModelsDirectory, file);
        LutModel model = RandomModels.Create(seed, d, m, c, aggregation);
        if (Environment.GetEnvironmentVariable(Snapshot.AcceptVariable) == "1")
        {
            model.Save(path);
        }

        Assert.Equal(model.ToJson(), File.ReadAllText(path));
    }
}
