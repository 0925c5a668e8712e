using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using KernelCompiler;

namespace KernelCompiler.Tests.Networks;

/// <summary>The 128-bit path of the fused network kernel (SSSE3 on x86, AdvSimd on Arm64), table-driven and emitted:
/// it really runs vector code where the CPU has it, and each of its steps (float and integer encoding, exact and average aggregation, float
/// and integer hand-off) gives the reference network's bits. scripts/test-arm64.sh runs these under emulation.</summary>
public sealed class FusedNetworkVectorPathTests
{
    [Fact]
    public void The_128_bit_path_is_vector_code_where_the_cpu_has_it()
    {
        LutNetwork network = LutNetwork.FromModel(RandomModels.Create(1, 20, 3, 4));
        var kernel = new LutNetworkKernel(network, 128);
        int expected = Ssse3.IsSupported || AdvSimd.Arm64.IsSupported ? 128 : 0;
        Assert.Equal(expected, kernel.VectorWidth);
        Assert.Equal(0, new LutNetworkKernel(network, 0).VectorWidth);
    }

    public static TheoryData<int, LutAggregation> Chains()
    {
        var data = new TheoryData<int, LutAggregation>();
        foreach (int c in new[] { 1, 3, 4, 16, 33, 64 })
        {
            data.Add(c, LutAggregation.Exact);
        }

        foreach (int c in new[] { 2, 8, 16, 64 })
        {
            data.Add(c, LutAggregation.Average);
        }

        return data;
    }

    /// <summary>LUT → LUT (integer hand-off, sums encoded against folded thresholds) → exact → LUT (float hand-off),
    /// over full and partial tiles, with NaN, ±∞ and threshold values among the inputs.</summary>
    [Theory]
    [MemberData(nameof(Chains))]
    public void Every_step_of_the_128_bit_path_matches_the_reference(int codebooks, LutAggregation aggregation)
    {
        int seed = codebooks * 7 + (int)aggregation;
        var network = new LutNetwork("path-" + codebooks, NetworkInput.Flat(150), new NetworkLayer[]
        {
            new LutLayer(RandomModels.Create(seed, 150, 90, codebooks, aggregation), LayerActivation.Relu),
            new LutLayer(RandomModels.Create(seed + 1, 90, 40, codebooks, aggregation), LayerActivation.Identity),
            NetworkTestData.Dense(seed + 2, 40, 30, LayerActivation.Relu),
            new LutLayer(RandomModels.Create(seed + 3, 30, 7, Math.Min(codebooks, 16), aggregation)),
        });
        int rows = 3 * 64 + 17;
        float[] x = FusedNetworkTests.Rows(seed, network, rows);
        var expected = new float[rows * network.OutputDimension];
        var expectedClasses = new int[rows];
        NetworkExecutor reference = NetworkExecutor.CreateReference(network);
        reference.Multiply(x, expected);
        reference.Predict(x, expectedClasses);

        // The table-driven encode and the emitted one (thresholds as constants), each on the 128-bit path.
        foreach (LutNetworkKernel kernel in new[] { new LutNetworkKernel(network, 128), NetworkKernel.Compile(network).WithWidth(128, false) })
        {
            var actual = new float[expected.Length];
            var classes = new int[rows];
            kernel.Multiply(x, actual);
            kernel.Predict(x, classes);
            Assert.Equal(NetworkTestData.Bits(expected), NetworkTestData.Bits(actual));
            Assert.Equal(expectedClasses, classes);
        }
    }
}
