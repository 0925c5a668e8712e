using System.Reflection;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using KernelCompiler.Calibration;
using KernelCompiler.Emit;
using KernelCompiler.IO;
using KernelCompiler.NetworkKernels;
using KernelCompiler.Runtime;

namespace KernelCompiler.Tests.Networks;

/// <summary>The network as generated C# (<see cref="CSharpNetworkWriter"/> over <see cref="NetworkKernelBuilder"/>):
/// compiled in memory and compared with the reference network bit for bit; the folded literals are what the kernel
/// decides on; the software fused multiply-add the generator folds with equals <see cref="MathF.FusedMultiplyAdd"/>.</summary>
public sealed class GeneratedNetworkTests
{
    private delegate void MultiplyFn(ReadOnlySpan<float> x, Span<float> logits);
    private delegate void PredictFn(ReadOnlySpan<float> x, Span<int> classes);
    private delegate void MultiplyParallelFn(ReadOnlySpan<float> x, Span<float> logits, ParallelOptions options);
    private delegate void PredictParallelFn(ReadOnlySpan<float> x, Span<int> classes, ParallelOptions options);

    [Fact]
    public void Writer_speaks_the_runtime_contract()
        => Assert.Equal(NetworkKernelBuilder.ContractVersion, CSharpNetworkWriter.RuntimeContractVersion);

    [Fact]
    public void Software_fused_multiply_add_equals_the_instruction_on_millions_of_triples()
    {
        var random = new Random(20261203);
        float[] edges =
        [
            0f, -0f, 1f, -1f, float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue, float.PositiveInfinity,
            float.NegativeInfinity, float.NaN, 1.17549435e-38f, 1.17549421e-38f, 0.5f, 3f, 16777216f, 16777217f, 65280f,
            MathF.BitIncrement(1f), MathF.BitDecrement(1f), 1e-30f, 1e30f, 255f, 1f / 3f,
        ];
        foreach (float a in edges)
        foreach (float b in edges)
        foreach (float c in edges)
        {
            Check(a, b, c);
        }

        for (int i = 0; i < 3_000_000; i++)
        {
            float a, b, c;
            switch (i % 4)
            {
                case 0:
                    // Any bit patterns: NaN, infinities, subnormals, huge exponents.
                    a = BitConverter.Int32BitsToSingle(random.Next() ^ (random.Next(2) << 31));
                    b = BitConverter.Int32BitsToSingle(random.Next() ^ (random.Next(2) << 31));
                    c = BitConverter.Int32BitsToSingle(random.Next() ^ (random.Next(2) << 31));
                    break;
                case 1:
                    // What folding computes: an integer sum, a step, an offset.
                    a = random.Next(-70000, 70000);
                    b = (float)Math.ScaleB(random.NextDouble() + 0.5, random.Next(-40, 20));
                    c = (float)((random.NextDouble() - 0.5) * Math.ScaleB(1, random.Next(-30, 30)));
                    break;
                case 2:
                    // Cancellation and ties: c near −a·b, a few ulps away.
                    a = (float)(random.NextDouble() * 4 - 2);
                    b = (float)Math.ScaleB(random.NextDouble() + 0.5, random.Next(-10, 10));
                    c = -(a * b);
                    int steps = random.Next(-3, 4);
                    for (int s = 0; s < Math.Abs(steps); s++) c = steps > 0 ? MathF.BitIncrement(c) : MathF.BitDecrement(c);
                    break;
                default:
                    // Products near halfway points: c tiny against a·b, or a·b near the subnormal range.
                    a = (float)Math.ScaleB(random.NextDouble() + 1, random.Next(-80, 60));
                    b = (float)Math.ScaleB(random.NextDouble() + 1, random.Next(-80, 60));
                    c = (float)Math.ScaleB(random.NextDouble() - 0.5, random.Next(-160, 100));
                    break;
            }

            Check(a, b, c);
        }

        static void Check(float a, float b, float c)
        {
            float expected = MathF.FusedMultiplyAdd(a, b, c), actual = SoftwareFusedMultiplyAdd.Compute(a, b, c);
            if (float.IsNaN(expected) && float.IsNaN(actual)) return;
            if (BitConverter.SingleToInt32Bits(expected) != BitConverter.SingleToInt32Bits(actual))
            {
                Assert.Fail($"fma({a:R}, {b:R}, {c:R}) = {expected:R}, software {actual:R}");
            }
        }
    }

    [Fact]
    public void Random_generated_networks_match_the_reference_bit_for_bit()
    {
        int[] seeds = Enumerable.Range(0, 24).ToArray();
        LutNetwork[] networks = seeds.Select(FusedNetworkTests.RandomNetwork).ToArray();
        Assembly assembly = GeneratedSource.Compile(networks.Select((n, i) => Source(n, "Net" + i)).ToArray());
        for (int i = 0; i < networks.Length; i++)
        {
            LutNetwork network = networks[i];
            Type type = assembly.GetType("Generated.Net" + i)!;

            // Hidden LUT layers before LUT layers are written cut to the outputs the next layer reads.
            var kernel = (LutNetworkKernel)type.GetProperty("Kernel")!.GetValue(null)!;
            var plan = NetworkPlan.Create(network);
            for (int k = 0; k < network.Layers.Count; k++)
            {
                int expected = plan.Layers[k].Output == HandOff.Sums ? plan.Layers[k].Outputs.Length : network.Layers[k].OutputDimension;
                Assert.Equal(expected, kernel.Network.Layers[k].OutputDimension);
            }

            foreach (int rows in new[] { 1, 63, 64, 130 })
            {
                AssertSame(network, type, FusedNetworkTests.Rows(seeds[i] + rows, network, rows), "seed " + seeds[i] + ", " + rows + " rows");
            }
        }
    }

    [Fact]
    public void The_kernel_decides_on_the_folded_literals()
    {
        // A LUT layer after a LUT layer: all-"never" literals must change the codes, so the literals are what runs.
        LutNetwork network = FusedNetworkTests.RandomNetwork(Enumerable.Range(0, 200).First(s =>
        {
            LutNetwork n = FusedNetworkTests.RandomNetwork(s);
            return n.Layers.Count == 2 && n.Layers.All(l => l is LutLayer);
        }));
        var plan = NetworkPlan.Create(network);
        var first = (LutLayer)network.Layers[0];
        var second = (LutLayer)network.Layers[1];
        LutNetworkKernel Build(int[] folded) => new NetworkKernelBuilder(NetworkKernelBuilder.ContractVersion, network.Name, network.InputDimension, network.Head)
            .AddLutLayer(first.InputDimension, first.OutputDimension, first.Model.Aggregation, first.Activation, first.Model.SplitDimensions,
                first.Model.Thresholds, default, first.Model.Tables, first.Model.Steps, first.Model.Offsets)
            .AddLutLayer(second.InputDimension, second.OutputDimension, second.Model.Aggregation, second.Activation, second.Model.SplitDimensions,
                second.Model.Thresholds, folded, second.Model.Tables, second.Model.Steps, second.Model.Offsets)
            .Build();

        float[] x = FusedNetworkTests.Rows(1, network, 200);
        var expected = new float[200 * network.OutputDimension];
        NetworkExecutor.CreateReference(network).Multiply(x, expected);
        var right = new float[expected.Length];
        Build(plan.Layers[1].FoldedThresholds!).Multiply(x, right);
        Assert.Equal(NetworkTestData.Bits(expected), NetworkTestData.Bits(right));

        int never = NetworkPlan.MaxRawSum(first.Model);
        var wrong = new float[expected.Length];
        Build(Enumerable.Repeat(never, second.Model.Thresholds.Length).ToArray()).Multiply(x, wrong);
        Assert.NotEqual(NetworkTestData.Bits(expected), NetworkTestData.Bits(wrong));

        Assert.Throws<ArgumentException>(() => Build(new int[3]));
        Assert.Throws<ArgumentException>(() => Build(default!));
        Assert.Throws<NotSupportedException>(() => new NetworkKernelBuilder(NetworkKernelBuilder.ContractVersion + 1, "n", 4, NetworkHead.Logits));
    }

    [Fact]
    public void Source_shows_each_folded_threshold_with_its_float()
    {
        LutNetwork network = FusedNetworkTests.RandomNetwork(Enumerable.Range(0, 200).First(s =>
        {
            LutNetwork n = FusedNetworkTests.RandomNetwork(s);
            return n.Layers.Count >= 2 && n.Layers[0] is LutLayer && n.Layers[1] is LutLayer;
        }));
        var plan = NetworkPlan.Create(network);
        string source = Source(network, "Shown");
        var second = ((LutLayer)network.Layers[1]).Model;
        int[] folded = plan.Layers[1].FoldedThresholds!;
        string block = source.Substring(source.IndexOf("Layer1FoldedThresholds => new int[]", StringComparison.Ordinal));
        MatchCollection literals = Regex.Matches(block.Substring(0, block.IndexOf("};", StringComparison.Ordinal)), @"(-?\d+) /\* t = ([^ ]+) \*/");
        Assert.Equal(folded.Length, literals.Count);
        for (int i = 0; i < folded.Length; i++)
        {
            Assert.Equal(folded[i].ToString(System.Globalization.CultureInfo.InvariantCulture), literals[i].Groups[1].Value);
            Assert.Equal(CSharpKernelWriter.Float(second.Thresholds[i]), literals[i].Groups[2].Value);
        }
    }

    [Fact]
    public void Generated_calls_allocate_nothing_and_check_arguments_as_the_fused_kernel()
    {
        LutNetwork network = FusedNetworkTests.RandomNetwork(3);
        Type type = GeneratedSource.Compile([Source(network, "Net")]).GetType("Generated.Net")!;
        var multiply = Bind<MultiplyFn>(type, "Multiply", 2);
        var predict = Bind<PredictFn>(type, "Predict", 2);
        int d = network.InputDimension, m = network.OutputDimension;
        float[] x = FusedNetworkTests.Rows(3, network, 300);
        var y = new float[300 * m];
        var classes = new int[300];
        multiply(x, y);
        predict(x, classes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        multiply(x, y);
        predict(x, classes);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        Assert.Equal("x", Assert.Throws<ArgumentException>(() => multiply(new float[d + 1], new float[2 * m])).ParamName);
        Assert.Equal("destination", Assert.Throws<ArgumentException>(() => multiply(new float[2 * d], new float[2 * m - 1])).ParamName);
        Assert.Equal("classes", Assert.Throws<ArgumentException>(() => predict(new float[2 * d], new int[1])).ParamName);
        var kernel = (LutNetworkKernel)type.GetProperty("Kernel")!.GetValue(null)!;
        Assert.Equal("generated", kernel.Backend);
        Assert.Equal(d, (int)type.GetField("InputDimension")!.GetRawConstantValue()!);
        Assert.Equal(m, (int)type.GetField("OutputDimension")!.GetRawConstantValue()!);

        // Partitioned overloads: same bits.
        int rows = 5000;
        float[] big = FusedNetworkTests.Rows(5, network, rows);
        var serial = new float[rows * m];
        var parallel = new float[rows * m];
        multiply(big, serial);
        Bind<MultiplyParallelFn>(type, "Multiply", 3)(big, parallel, new ParallelOptions { MaxDegreeOfParallelism = 3 });
        Assert.Equal(NetworkTestData.Bits(serial), NetworkTestData.Bits(parallel));
        var c1 = new int[rows];
        var c2 = new int[rows];
        predict(big, c1);
        Bind<PredictParallelFn>(type, "Predict", 3)(big, c2, new ParallelOptions { MaxDegreeOfParallelism = -1 });
        Assert.Equal(c1, c2);
    }

    [SkippableFact]
    public void Real_network_generated_matches_the_reference()
    {
        string onnx = SharedData.File("mnist-mlp-net", "model.onnx");
        LutNetwork exact = OnnxImporter.Import(onnx);
        float[] train = NpyFile.Read(SharedData.File("mnist-mlp-net", "X_train.npy")).ToSingle().AsSpan(0, 1000 * 784).ToArray();
        int[] labels = NpyFile.Read(SharedData.File("mnist-mlp-net", "y_train.npy")).ToInt32().AsSpan(0, 1000).ToArray();
        float[] test = NpyFile.Read(SharedData.File("mnist-mlp-net", "X_test.npy")).ToSingle().AsSpan(0, 1000 * 784).ToArray();
        var networks = new[] { new[] { 32, 32, 16 }, new[] { 0, 16, 8 } }
            .Select(c => NetworkCalibrator.Calibrate(exact, train, labels, new NetworkCalibrationOptions { LayerCodebooks = c }).Network)
            .ToArray();
        Assembly assembly = GeneratedSource.Compile(networks.Select((n, i) => Source(n, "Real" + i)).ToArray());
        for (int i = 0; i < networks.Length; i++)
        {
            AssertSame(networks[i], assembly.GetType("Generated.Real" + i)!, test, "mnist-mlp-net " + i);
        }
    }

    internal static string Source(LutNetwork network, string className)
        => CSharpNetworkWriter.Write(NetworkPlan.Create(network), new KernelSourceInfo(className, "Generated", "public", "net.lut.json"));

    private static T Bind<T>(Type type, string name, int parameters) where T : Delegate
        => type.GetMethods(BindingFlags.Public | BindingFlags.Static).Single(m => m.Name == name && m.GetParameters().Length == parameters)
            .CreateDelegate<T>();

    private static void AssertSame(LutNetwork network, Type type, float[] x, string what)
    {
        int rows = x.Length / network.InputDimension, m = network.OutputDimension;
        var expected = new float[rows * m];
        var expectedClasses = new int[rows];
        NetworkExecutor reference = NetworkExecutor.CreateReference(network);
        reference.Multiply(x, expected);
        reference.Predict(x, expectedClasses);
        var actual = new float[rows * m];
        var classes = new int[rows];
        Bind<MultiplyFn>(type, "Multiply", 2)(x, actual);
        Bind<PredictFn>(type, "Predict", 2)(x, classes);
        int[] e = NetworkTestData.Bits(expected), a = NetworkTestData.Bits(actual);
        for (int i = 0; i < e.Length; i++)
        {
            if (e[i] != a[i])
            {
                Assert.Fail($"{what}: row {i / m} output {i % m} is {actual[i]:R}, reference {expected[i]:R}");
            }
        }

        Assert.Equal(expectedClasses, classes);
    }
}
