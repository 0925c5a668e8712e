using KernelCompiler;

namespace KernelCompiler.Tests.Networks;

public class NetworkModelTests
{
    [Fact]
    public void Layers_must_chain_from_the_input()
    {
        var e = Assert.Throws<LutModelException>(() => new LutNetwork("n", NetworkInput.Flat(6),
            [NetworkTestData.Dense(1, 6, 5), NetworkTestData.Dense(2, 4, 3)]));
        Assert.Equal("$.layers[1].inputDimension", e.JsonPath);
        Assert.Contains("expected 5", e.Message);

        e = Assert.Throws<LutModelException>(() => new LutNetwork("n", NetworkInput.Flat(7), [NetworkTestData.Dense(1, 6, 5)]));
        Assert.Equal("$.layers[0].inputDimension", e.JsonPath);

        e = Assert.Throws<LutModelException>(() => new LutNetwork("n", NetworkInput.Flat(7), []));
        Assert.Equal("$.layers", e.JsonPath);
    }

    [Fact]
    public void Input_shape_flattens_to_its_product()
    {
        var input = new NetworkInput("pixels", [1, 28, 28], "N");
        Assert.Equal(784, input.Dimension);
        Assert.Equal([1, 28, 28], input.Shape);
        Assert.Throws<ArgumentException>(() => new NetworkInput("x", [3, 0]));
        Assert.Throws<ArgumentException>(() => new NetworkInput("x", []));
        Assert.Throws<ArgumentException>(() => new NetworkInput("x", [1 << 16, 1 << 16]));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Dense_layers_refuse_non_finite_weights_and_bias(float bad)
    {
        var w = new float[6];
        w[4] = bad;
        var e = Assert.Throws<ArgumentException>(() => new DenseLayer(3, 2, w, new float[2]));
        Assert.Equal("weights", e.ParamName);
        Assert.Contains("Value 4", e.Message);
        e = Assert.Throws<ArgumentException>(() => new DenseLayer(3, 2, new float[6], [0, bad]));
        Assert.Equal("bias", e.ParamName);
        Assert.Throws<ArgumentException>(() => new DenseLayer(3, 2, new float[5], new float[2]));
    }

    [Fact]
    public void Relu_passes_positives_and_NaN_and_zeroes_the_rest()
    {
        var layer = new DenseLayer(1, 1, [1f], [0f], LayerActivation.Relu);
        Assert.Equal(2.5f, layer.Activate(2.5f));
        Assert.Equal(0f, layer.Activate(-3f));
        Assert.Equal(BitConverter.SingleToInt32Bits(0f), BitConverter.SingleToInt32Bits(layer.Activate(-0f)));
        Assert.True(float.IsNaN(layer.Activate(float.NaN)));
        Assert.Equal(float.PositiveInfinity, layer.Activate(float.PositiveInfinity));
        Assert.Equal(0f, layer.Activate(float.NegativeInfinity));
    }

    [Fact]
    public void ArgMax_takes_the_first_maximum_and_ignores_NaN()
    {
        Assert.Equal(1, NetworkExecutor.ArgMax([1f, 3f, 3f, 2f]));
        Assert.Equal(2, NetworkExecutor.ArgMax([float.NaN, 1f, 5f, float.NaN]));
        Assert.Equal(0, NetworkExecutor.ArgMax([float.NaN, float.NaN]));
        Assert.Equal(1, NetworkExecutor.ArgMax([float.NegativeInfinity, -1e30f]));
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 17, 5)]
    [InlineData(130, 33, 200)]
    public void Exact_executor_follows_the_documented_summation_order(int rows, int d, int m)
    {
        var first = NetworkTestData.Dense(d, d, m, LayerActivation.Relu);
        var second = NetworkTestData.Dense(m, m, 7);
        var network = new LutNetwork("n", NetworkInput.Flat(d), [first, second]);
        float[] x = NetworkTestData.Rows(rows, rows, d);
        float[] expected = NetworkTestData.NaiveDense(second, NetworkTestData.NaiveDense(first, x, rows), rows);

        var exact = NetworkExecutor.CreateExact(network);
        var actual = new float[rows * 7];
        exact.Multiply(x, actual);
        Assert.Equal(NetworkTestData.Bits(expected), NetworkTestData.Bits(actual));
        Assert.Equal("exact", exact.Backend);

        var classes = new int[rows];
        exact.Predict(x, classes);
        for (int r = 0; r < rows; r++)
        {
            Assert.Equal(NetworkExecutor.ArgMax(expected.AsSpan(r * 7, 7)), classes[r]);
        }
    }

    [Fact]
    public void Reference_executor_runs_each_LUT_layer_through_its_reference_kernel()
    {
        LutModel first = RandomModels.Create(seed: 5, d: 12, m: 9, c: 4);
        LutModel third = RandomModels.Create(seed: 6, d: 6, m: 4, c: 2, aggregation: LutAggregation.Average);
        var dense = NetworkTestData.Dense(7, 9, 6, LayerActivation.Relu);
        var network = new LutNetwork("mixed", NetworkInput.Flat(12),
            [new LutLayer(first, LayerActivation.Relu), dense, new LutLayer(third)], NetworkHead.ArgMax);
        Assert.False(network.IsExact);
        Assert.Throws<ArgumentException>(() => NetworkExecutor.CreateExact(network));

        const int rows = 150;
        float[] x = RandomModels.Rows(8, first, rows);
        var h1 = new float[rows * 9];
        LutKernel.CreateReference(first).Multiply(x, h1);
        for (int i = 0; i < h1.Length; i++) h1[i] = MathF.Max(h1[i], 0f);
        float[] h2 = NetworkTestData.NaiveDense(dense, h1, rows);
        var expected = new float[rows * 4];
        LutKernel.CreateReference(third).Multiply(h2, expected);

        var actual = new float[rows * 4];
        NetworkExecutor.CreateReference(network).Multiply(x, actual);
        Assert.Equal(NetworkTestData.Bits(expected), NetworkTestData.Bits(actual));
    }

    [Fact]
    public void Executors_check_their_arguments_like_LutKernel()
    {
        var network = new LutNetwork("n", NetworkInput.Flat(4), [NetworkTestData.Dense(1, 4, 3)]);
        var exact = NetworkExecutor.CreateExact(network);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => exact.Multiply(new float[7], new float[6])).ParamName);
        Assert.Equal("destination", Assert.Throws<ArgumentException>(() => exact.Multiply(new float[8], new float[5])).ParamName);
        Assert.Equal("classes", Assert.Throws<ArgumentException>(() => exact.Predict(new float[8], new int[1])).ParamName);
        exact.Multiply(ReadOnlySpan<float>.Empty, Span<float>.Empty);
        exact.Predict(ReadOnlySpan<float>.Empty, Span<int>.Empty);
    }
}
