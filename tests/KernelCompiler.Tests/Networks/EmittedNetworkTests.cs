using System.Reflection;
using System.Reflection.Emit;
using KernelCompiler.Calibration;
using KernelCompiler.Emit;
using KernelCompiler.IO;
using KernelCompiler.NetworkKernels;
using KernelCompiler.Runtime;

namespace KernelCompiler.Tests.Networks;

/// <summary>The network engine matrix with the compiled network (<see cref="NetworkKernel.Compile"/>, backend
/// <c>emitted</c>): reference vs generated vs emitted vs fused (table-driven) vs generic, every vector path forced,
/// logits and classes bit-identical; the emitted steps against Roslyn's compile of the generated ones, call by call
/// and constant by constant; the constants in the emitted code are what decides.</summary>
public sealed class EmittedNetworkTests
{
    /// <summary>Every path the fused kernel has: widths 0, 128, 256, 512 without the 64-byte table lookups, and 512 with.</summary>
    private static readonly (int Width, bool Permute)[] Paths = [(0, false), (128, false), (256, false), (512, false), (512, true)];

    [Theory]
    [MemberData(nameof(FusedNetworkTests.Seeds), MemberType = typeof(FusedNetworkTests))]
    public void Random_networks_match_on_every_backend_and_path(int seed)
    {
        LutNetwork network = FusedNetworkTests.RandomNetwork(seed);
        int rows = new Random(seed + 1).Next(1, 200);
        float[] x = FusedNetworkTests.Rows(seed, network, rows);
        LutNetworkKernel emitted = NetworkKernel.Compile(network);
        Assert.Equal("emitted", emitted.Backend);
        AssertMatrix(network, x, "seed " + seed + ", " + rows + " rows", [emitted]);
    }

    /// <summary>The generated class of every random network (one compilation) against the reference, every path.</summary>
    [Fact]
    public void Generated_networks_match_on_every_path()
    {
        int[] seeds = Enumerable.Range(0, 40).Where(s => s % 3 == 0).ToArray();
        LutNetwork[] networks = seeds.Select(FusedNetworkTests.RandomNetwork).ToArray();
        Assembly assembly = GeneratedSource.Compile(networks.Select((n, i) => GeneratedNetworkTests.Source(n, "Net" + i)).ToArray());
        for (int i = 0; i < networks.Length; i++)
        {
            var generated = (LutNetworkKernel)assembly.GetType("Generated.Net" + i)!.GetProperty("Kernel")!.GetValue(null)!;
            Assert.Equal("generated", generated.Backend);
            int rows = 64 + seeds[i] % 70;
            AssertMatrix(networks[i], FusedNetworkTests.Rows(seeds[i] + 7, networks[i], rows), "generated, seed " + seeds[i], [generated],
                layered: false);
        }
    }

    [SkippableFact]
    public void Real_network_emitted_and_generated_match_the_reference_on_every_path()
    {
        string onnx = SharedData.File("mnist-mlp-net", "model.onnx");
        LutNetwork exact = OnnxImporter.Import(onnx);
        float[] train = NpyFile.Read(SharedData.File("mnist-mlp-net", "X_train.npy")).ToSingle().AsSpan(0, 1000 * 784).ToArray();
        int[] labels = NpyFile.Read(SharedData.File("mnist-mlp-net", "y_train.npy")).ToInt32().AsSpan(0, 1000).ToArray();
        float[] test = NpyFile.Read(SharedData.File("mnist-mlp-net", "X_test.npy")).ToSingle().AsSpan(0, 500 * 784).ToArray();
        LutNetwork[] networks = new[] { new[] { 32, 32, 16 }, new[] { 0, 16, 8 } }
            .Select(c => NetworkCalibrator.Calibrate(exact, train, labels, new NetworkCalibrationOptions { LayerCodebooks = c }).Network)
            .ToArray();
        Assembly assembly = GeneratedSource.Compile(networks.Select((n, i) => GeneratedNetworkTests.Source(n, "Real" + i)).ToArray());
        for (int i = 0; i < networks.Length; i++)
        {
            var generated = (LutNetworkKernel)assembly.GetType("Generated.Real" + i)!.GetProperty("Kernel")!.GetValue(null)!;
            AssertMatrix(networks[i], test, "mnist-mlp-net " + i, [NetworkKernel.Compile(networks[i]), generated], layered: false);
        }
    }

    [Fact]
    public void Emitted_calls_allocate_nothing()
    {
        LutNetwork network = FusedNetworkTests.RandomNetwork(3);
        LutNetworkKernel kernel = NetworkKernel.Compile(network);
        float[] x = FusedNetworkTests.Rows(3, network, 300);
        var y = new float[300 * network.OutputDimension];
        var classes = new int[300];
        kernel.Multiply(x, y);
        kernel.Predict(x, classes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        kernel.Multiply(x, y);
        kernel.Predict(x, classes);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Throws<ArgumentNullException>(() => NetworkKernel.Compile(null!));
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => kernel.Multiply(new float[network.InputDimension + 1], y)).ParamName);
    }

    /// <summary>The emitted code's constants decide: steps emitted from a plan whose folded thresholds all say "never"
    /// change the outputs even though the kernel's data holds the right ones; steps emitted from the right plan give
    /// the reference's outputs even though the kernel's data holds wrong ones. Likewise for the first layer's float
    /// thresholds.</summary>
    [Fact]
    public void The_emitted_constants_are_what_decides()
    {
        LutNetwork network = FusedNetworkTests.RandomNetwork(Enumerable.Range(0, 200).First(s =>
        {
            LutNetwork n = FusedNetworkTests.RandomNetwork(s);
            return n.Layers.Count == 2 && n.Layers.All(l => l is LutLayer);
        }));
        var first = (LutLayer)network.Layers[0];
        NetworkPlan right = NetworkPlan.Create(network);
        int never = NetworkPlan.MaxRawSum(first.Model);
        NetworkPlan wrong = NetworkPlan.Create(network, [null, Enumerable.Repeat(never, right.Layers[1].FoldedThresholds!.Length).ToArray()]);
        float[] x = FusedNetworkTests.Rows(1, network, 200);
        var expected = new float[200 * network.OutputDimension];
        NetworkExecutor.CreateReference(network).Multiply(x, expected);
        foreach ((int width, bool permute) in Paths)
        {
            var actual = new float[expected.Length];
            new LutNetworkKernel(wrong, width, permute, "emitted", IlNetworkEmitter.Emit(right).Bind).Multiply(x, actual);
            Assert.Equal(NetworkTestData.Bits(expected), NetworkTestData.Bits(actual));
            new LutNetworkKernel(right, width, permute, "emitted", IlNetworkEmitter.Emit(wrong).Bind).Multiply(x, actual);
            Assert.NotEqual(NetworkTestData.Bits(expected), NetworkTestData.Bits(actual));
        }

        // The first layer's float thresholds moved to float.MaxValue in the emitted code only: the codes, and outputs, change.
        float[] thresholds = first.Model.Thresholds.ToArray();
        var moved = new LutNetwork(network.Name, network.Input, [new LutLayer(WithThresholds(first.Model, Enumerable.Repeat(float.MaxValue, thresholds.Length).ToArray()), first.Activation), network.Layers[1]]);
        var changed = new float[expected.Length];
        new LutNetworkKernel(right, 512, true, "emitted", IlNetworkEmitter.Emit(NetworkPlan.Create(moved, [null, right.Layers[1].FoldedThresholds])).Bind).Multiply(x, changed);
        Assert.NotEqual(NetworkTestData.Bits(expected), NetworkTestData.Bits(changed));
    }

    private static LutModel WithThresholds(LutModel model, float[] thresholds)
        => new(model.InputDimension, model.OutputDimension, model.SplitDimensions.ToArray(), thresholds, model.Tables.ToArray(),
            model.Steps.ToArray(), model.Offsets.ToArray(), model.Aggregation, null, model.Name, model.Producer);

    /// <summary>Reference vs the given kernels, the table-driven fused kernel and (unless <paramref name="layered"/> is
    /// false) the layer-by-layer generic kernel, each fused kernel on every path.</summary>
    internal static void AssertMatrix(LutNetwork network, float[] x, string what, LutNetworkKernel[] kernels, bool layered = true)
    {
        int rows = x.Length / network.InputDimension, m = network.OutputDimension;
        var expected = new float[rows * m];
        var expectedClasses = new int[rows];
        NetworkExecutor reference = NetworkExecutor.CreateReference(network);
        reference.Multiply(x, expected);
        reference.Predict(x, expectedClasses);
        int[] e = NetworkTestData.Bits(expected);
        if (layered)
        {
            var actual = new float[rows * m];
            NetworkKernel.CreateGeneric(network).Multiply(x, actual);
            Assert.True(e.SequenceEqual(NetworkTestData.Bits(actual)), what + ": the generic layer-by-layer kernel differs");
        }

        foreach (LutNetworkKernel kernel in kernels.Append(NetworkKernel.CreateFused(network)))
        {
            foreach ((int width, bool permute) in Paths)
            {
                LutNetworkKernel k = kernel.WithWidth(width, permute);
                Assert.Equal(kernel.Backend, k.Backend);
                var actual = new float[rows * m];
                var classes = new int[rows];
                k.Multiply(x, actual);
                k.Predict(x, classes);
                int[] a = NetworkTestData.Bits(actual);
                for (int i = 0; i < e.Length; i++)
                {
                    if (e[i] != a[i])
                    {
                        Assert.Fail($"{what}, {k.Backend}, width {k.VectorWidth}{(k.Permutes ? " vpermb" : "")}: row {i / m} output {i % m} is {actual[i]:R}, reference {expected[i]:R}");
                    }
                }

                Assert.Equal(expectedClasses, classes);
            }
        }
    }
}
