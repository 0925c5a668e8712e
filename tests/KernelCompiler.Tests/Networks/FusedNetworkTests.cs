using KernelCompiler;
using KernelCompiler.Calibration;
using KernelCompiler.IO;
using System.Threading;
using System.Threading.Tasks;
using KernelCompiler.NetworkKernels;

namespace KernelCompiler.Tests.Networks;

/// <summary>The fused network kernel against the reference network and today's layer-by-layer kernels: logits and
/// classes bit-identical on random networks and the real one, on every vector width this CPU runs.</summary>
public sealed class FusedNetworkTests
{
    /// <summary>Every width the kernel has code for; those the CPU lacks fall back to the next narrower one.</summary>
    public static readonly int[] Widths = [0, 128, 256, 512];

    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        for (int seed = 0; seed < 40; seed++) data.Add(seed);
        return data;
    }

    /// <summary>A random chain: depth 1–5, widths 1–600, C 1–128, LUT and exact layers mixed, identity and ReLU,
    /// exact and average aggregation; LUT layers after LUT layers get thresholds equal to values the previous layer
    /// reaches (ties) and some that never split.</summary>
    internal static LutNetwork RandomNetwork(int seed)
    {
        var random = new Random(seed * 7919 + 11);
        int depth = random.Next(1, 6);
        int width = Width(random);
        int input = width;
        var layers = new List<NetworkLayer>();
        for (int k = 0; k < depth; k++)
        {
            int output = k == depth - 1 ? random.Next(1, 20) : Width(random);
            var activation = random.Next(3) == 0 ? LayerActivation.Identity : LayerActivation.Relu;
            if (random.Next(4) == 0)
            {
                layers.Add(NetworkTestData.Dense(seed * 31 + k, width, output, activation));
            }
            else
            {
                int c = random.Next(4) == 0 ? random.Next(1, 129) : random.Next(1, 17);
                var aggregation = LutAggregation.Exact;
                if (random.Next(4) == 0)
                {
                    c = new[] { 1, 2, 4, 8, 16, 32, 48, 64 }[random.Next(8)];
                    aggregation = LutAggregation.Average;
                }

                LutModel model = RandomModels.Create(seed * 131 + k, width, output, c, aggregation);
                if (k > 0 && layers[k - 1] is LutLayer previous)
                {
                    model = WithReachableThresholds(model, previous, random);
                }

                layers.Add(new LutLayer(model, activation));
            }

            width = output;
        }

        return new LutNetwork("random-" + seed, NetworkInput.Flat(input), layers);
    }

    private static int Width(Random random) => random.Next(3) switch
    {
        0 => random.Next(1, 8),
        1 => random.Next(8, 100),
        _ => random.Next(100, 601),
    };

    /// <summary>Replaces about half the thresholds with values the previous layer produces (ties for the >= rule),
    /// a neighbouring float, or float.MaxValue.</summary>
    private static LutModel WithReachableThresholds(LutModel model, LutLayer previous, Random random)
    {
        float[] thresholds = model.Thresholds.ToArray();
        LutModel p = previous.Model;
        int bias = p.Aggregation == LutAggregation.Exact ? 0 : p.AverageBiasCorrection;
        for (int c = 0; c < model.Codebooks; c++)
        {
            for (int level = 0; level < 4; level++)
            {
                int unit = model.SplitDimension(c, level);
                for (int node = 0; node < 1 << level; node++)
                {
                    int i = c * 15 + (1 << level) - 1 + node;
                    int s = random.Next(0, 255 * p.Codebooks / 2 + 1) - bias;
                    float v = previous.Activate(MathF.FusedMultiplyAdd(s, p.Steps[unit], p.Offsets[unit]));
                    thresholds[i] = random.Next(8) switch
                    {
                        0 or 1 or 2 => v,
                        3 => MathF.BitIncrement(v),
                        4 => float.MaxValue,
                        _ => thresholds[i],
                    };
                }
            }
        }

        return new LutModel(model.InputDimension, model.OutputDimension, model.SplitDimensions.ToArray(), thresholds,
            model.Tables.ToArray(), model.Steps.ToArray(), model.Offsets.ToArray(), model.Aggregation, null, model.Name, model.Producer);
    }

    /// <summary>Rows with NaN, ±∞, ±0, subnormals and first-layer thresholds mixed in.</summary>
    internal static float[] Rows(int seed, LutNetwork network, int rows)
    {
        var random = new Random(seed);
        float[] x = NetworkTestData.Rows(seed, rows, network.InputDimension);
        LutModel? first = (network.Layers[0] as LutLayer)?.Model;
        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, float.Epsilon, float.MaxValue];
        for (int i = 0; i < x.Length; i++)
        {
            int pick = random.Next(40);
            if (pick == 0) x[i] = specials[random.Next(specials.Length)];
            else if (pick < 6 && first is not null) x[i] = first.Thresholds[random.Next(first.Thresholds.Length)];
        }

        return x;
    }

    private static void AssertSame(LutNetwork network, float[] x, string what)
    {
        int rows = x.Length / network.InputDimension, m = network.OutputDimension;
        var expected = new float[rows * m];
        var expectedClasses = new int[rows];
        NetworkExecutor reference = NetworkExecutor.CreateReference(network);
        reference.Multiply(x, expected);
        reference.Predict(x, expectedClasses);

        var layered = new float[rows * m];
        NetworkKernel.CreateGeneric(network).Multiply(x, layered);
        Assert.True(NetworkTestData.Bits(expected).SequenceEqual(NetworkTestData.Bits(layered)), what + ": the layer-by-layer kernel differs");

        foreach ((int width, bool permute) in Widths.Select(w => (w, false)).Append((512, true)))
        {
            var kernel = new LutNetworkKernel(network, width, permute);
            var actual = new float[rows * m];
            var classes = new int[rows];
            kernel.Multiply(x, actual);
            kernel.Predict(x, classes);
            int[] e = NetworkTestData.Bits(expected), a = NetworkTestData.Bits(actual);
            for (int i = 0; i < e.Length; i++)
            {
                if (e[i] != a[i])
                {
                    Assert.Fail($"{what}, width {kernel.VectorWidth}{(kernel.Permutes ? " vpermb" : "")}: row {i / m} output {i % m} is {actual[i]:R}, reference {expected[i]:R}");
                }
            }

            Assert.Equal(expectedClasses, classes);
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_networks_match_the_reference_bit_for_bit(int seed)
    {
        LutNetwork network = RandomNetwork(seed);
        int rows = new Random(seed).Next(1, 200);
        string shape = string.Join(" -> ", network.Layers.Select(l => l is LutLayer lut
            ? $"LUT {lut.InputDimension}x{lut.OutputDimension} C{lut.Model.Codebooks} {lut.Model.Aggregation} {lut.Activation}"
            : $"E {l.InputDimension}x{l.OutputDimension} {l.Activation}"));
        AssertSame(network, Rows(seed, network, rows), "seed " + seed + " (" + shape + ", " + rows + " rows)");
    }

    [Fact]
    public void Plan_computes_only_what_the_next_layer_reads_and_folds_lut_to_lut()
    {
        LutModel a = RandomModels.Create(1, 40, 300, 8);
        LutModel b = RandomModels.Create(2, 300, 200, 4);
        var network = new LutNetwork("plan", NetworkInput.Flat(40), new NetworkLayer[]
        {
            new LutLayer(a, LayerActivation.Relu),
            new LutLayer(b, LayerActivation.Relu),
            NetworkTestData.Dense(3, 200, 30, LayerActivation.Relu),
            new LutLayer(RandomModels.Create(4, 30, 5, 2)),
        });
        NetworkPlan plan = NetworkPlan.Create(network);
        Assert.Equal(a.SplitDimensions.ToArray().Distinct().Order(), plan.InputColumns);
        Assert.Equal(b.SplitDimensions.ToArray().Distinct().Order(), plan.Layers[0].Outputs);
        Assert.Equal(HandOff.Sums, plan.Layers[0].Output);
        Assert.Equal(HandOff.Sums, plan.Layers[1].Input);
        Assert.NotNull(plan.Layers[1].FoldedThresholds);
        Assert.Equal(Enumerable.Range(0, 200), plan.Layers[1].Outputs); // before an exact layer: everything
        Assert.Equal(HandOff.Floats, plan.Layers[1].Output);
        Assert.Equal(HandOff.Floats, plan.Layers[3].Input);
        Assert.Null(plan.Layers[3].FoldedThresholds);
        Assert.Equal(Enumerable.Range(0, 5), plan.Layers[3].Outputs); // the last layer: everything

        // Every folded threshold against every raw sum the first layer can produce.
        int[] folded = plan.Layers[1].FoldedThresholds!;
        for (int i = 0; i < folded.Length; i++)
        {
            int c = i / 15, within = i % 15, level = within >= 7 ? 3 : within >= 3 ? 2 : within >= 1 ? 1 : 0;
            int unit = b.SplitDimension(c, level);
            for (int s = 0; s <= 255 * a.Codebooks; s++)
            {
                bool expected = ThresholdFolding.FloatDecision(s, a.Steps[unit], a.Offsets[unit], LayerActivation.Relu, b.Thresholds[i]);
                if (expected != s > folded[i]) Assert.Fail($"threshold {i}, S = {s}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_plans_fold_every_threshold_exactly(int seed)
    {
        LutNetwork network = RandomNetwork(seed);
        NetworkPlan plan = NetworkPlan.Create(network);
        for (int k = 1; k < network.Layers.Count; k++)
        {
            if (plan.Layers[k].FoldedThresholds is not int[] folded) continue;
            var previous = (LutLayer)network.Layers[k - 1];
            LutModel p = previous.Model, next = ((LutLayer)network.Layers[k]).Model;
            int bias = NetworkPlan.RawBias(p);
            for (int i = 0; i < folded.Length; i++)
            {
                int within = i % 15, level = within >= 7 ? 3 : within >= 3 ? 2 : within >= 1 ? 1 : 0;
                int unit = next.SplitDimension(i / 15, level);
                bool Float(int raw) => ThresholdFolding.FloatDecision(raw - bias, p.Steps[unit], p.Offsets[unit], previous.Activation, next.Thresholds[i]);

                // Exhaustive where the range is small, the boundary ± 1 always.
                int high = NetworkPlan.MaxRawSum(p);
                int step = high <= 4096 ? 1 : 97;
                for (int raw = 0; raw <= high; raw += step)
                {
                    if (Float(raw) != raw > folded[i]) Assert.Fail($"layer {k} threshold {i} raw {raw}");
                }

                foreach (int raw in new[] { folded[i] - 1, folded[i], folded[i] + 1, folded[i] + 2 })
                {
                    if (raw >= 0 && raw <= high && Float(raw) != raw > folded[i]) Assert.Fail($"layer {k} threshold {i} raw {raw} (boundary)");
                }
            }
        }
    }

    [Fact]
    public void Calls_allocate_nothing()
    {
        LutNetwork network = RandomNetwork(3);
        LutNetworkKernel kernel = NetworkKernel.CreateFused(network);
        float[] x = Rows(3, network, 300);
        var y = new float[300 * network.OutputDimension];
        var classes = new int[300];
        kernel.Multiply(x, y);
        kernel.Predict(x, classes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        kernel.Multiply(x, y);
        kernel.Predict(x, classes);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Partitioned_calls_give_the_same_bits()
    {
        LutNetwork network = RandomNetwork(5);
        LutNetworkKernel kernel = NetworkKernel.CreateFused(network);
        int rows = 5000;
        float[] x = Rows(5, network, rows);
        var expected = new float[rows * network.OutputDimension];
        var actual = new float[expected.Length];
        kernel.Multiply(x, expected);
        kernel.Multiply(x, actual, new ParallelOptions { MaxDegreeOfParallelism = 3 });
        Assert.Equal(NetworkTestData.Bits(expected), NetworkTestData.Bits(actual));
        var c1 = new int[rows];
        var c2 = new int[rows];
        kernel.Predict(x, c1);
        kernel.Predict(x, c2, new ParallelOptions { MaxDegreeOfParallelism = -1 });
        Assert.Equal(c1, c2);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => kernel.Predict(x, c2, new ParallelOptions { CancellationToken = cancelled.Token }));
    }

    [Fact]
    public void Arguments_are_checked_as_elsewhere()
    {
        LutNetwork network = LutNetwork.FromModel(RandomModels.Create(2, 10, 3, 2));
        LutNetworkKernel kernel = NetworkKernel.CreateFused(network);
        int d = network.InputDimension, m = network.OutputDimension;
        Assert.Equal("fused", kernel.Backend);
        Assert.Throws<ArgumentNullException>(() => NetworkKernel.CreateFused(null!));
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => kernel.Multiply(new float[d + 1], new float[2 * m])).ParamName);
        Assert.Equal("destination", Assert.Throws<ArgumentException>(() => kernel.Multiply(new float[2 * d], new float[2 * m - 1])).ParamName);
        Assert.Equal("classes", Assert.Throws<ArgumentException>(() => kernel.Predict(new float[2 * d], new int[1])).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => kernel.Predict(new float[d + 1], new int[2], new ParallelOptions())).ParamName);
        Assert.Equal("destination", Assert.Throws<ArgumentException>(() => kernel.Multiply(new float[2 * d], new float[1], new ParallelOptions())).ParamName);
        Assert.Throws<ArgumentNullException>(() => kernel.Multiply(new float[d], new float[m], null!));

        // No rows is no work.
        kernel.Multiply(ReadOnlySpan<float>.Empty, Span<float>.Empty);
        kernel.Predict(ReadOnlySpan<float>.Empty, Span<int>.Empty);
    }

    [SkippableFact]
    public void Real_network_matches_the_reference_on_every_width()
    {
        string onnx = SharedData.File("mnist-mlp-net", "model.onnx");
        LutNetwork exact = OnnxImporter.Import(onnx);
        float[] train = NpyFile.Read(SharedData.File("mnist-mlp-net", "X_train.npy")).ToSingle().AsSpan(0, 2000 * 784).ToArray();
        int[] labels = NpyFile.Read(SharedData.File("mnist-mlp-net", "y_train.npy")).ToInt32().AsSpan(0, 2000).ToArray();
        float[] test = NpyFile.Read(SharedData.File("mnist-mlp-net", "X_test.npy")).ToSingle().AsSpan(0, 1000 * 784).ToArray();

        // All LUT (integer hand-off twice) and an exact first layer (float hand-off into LUT layers).
        foreach (int[] codebooks in new[] { new[] { 32, 32, 16 }, new[] { 0, 16, 8 } })
        {
            LutNetwork network = NetworkCalibrator.Calibrate(exact, train, labels,
                new NetworkCalibrationOptions { LayerCodebooks = codebooks }).Network;
            AssertSame(network, test, "mnist-mlp-net " + string.Join(",", codebooks));
        }
    }
}
