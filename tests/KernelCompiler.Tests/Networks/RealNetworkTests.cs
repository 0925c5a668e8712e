using KernelCompiler.IO;

namespace KernelCompiler.Tests.Networks;

/// <summary>The shared MNIST network (shared/data/mnist-mlp-net): needs the real data; skipped without it.</summary>
public class RealNetworkTests
{
    [SkippableFact]
    public void Imported_network_matches_ONNX_Runtime_on_every_test_row()
    {
        string dir = RealNetworkData.Directory;
        string path = Path.Combine(dir, "model.onnx");
        LutNetwork network = OnnxImporter.Import(path);
        Assert.True(network.IsExact);
        Assert.Equal(784, network.InputDimension);
        Assert.Equal(10, network.OutputDimension);
        Assert.Equal([784, 512, 512, 10], network.Layers.Select(l => l.InputDimension).Append(10));
        Assert.Equal([LayerActivation.Relu, LayerActivation.Relu, LayerActivation.Identity], network.Layers.Select(l => l.Activation));

        NpyArray x = NpyFile.Read(Path.Combine(dir, "X_test.npy"));
        float[] rows = x.ToSingle();
        int n = rows.Length / 784;
        var actual = new float[n * 10];
        NetworkExecutor.CreateExact(network).Multiply(rows, actual);
        float[] expected = OnnxRuntimeOracle.Run(File.ReadAllBytes(path), rows, [n, 784]);

        var ours = new int[n];
        NetworkExecutor.CreateExact(network).Predict(rows, ours);
        for (int r = 0; r < n; r++)
        {
            Assert.True(NetworkExecutor.ArgMax(expected.AsSpan(r * 10, 10)) == ours[r], "row " + r + " class differs");
        }

        OnnxRuntimeOracle.AssertClose(expected, actual, n, 10);

        int[] labels = NpyFile.Read(Path.Combine(dir, "y_test.npy")).ToInt32();
        double accuracy = ours.Zip(labels).Count(p => p.First == p.Second) / (double)n;
        Assert.Equal(0.9757, accuracy, 4);
    }

    [SkippableFact]
    public void Imported_network_survives_its_file_bit_for_bit()
    {
        string dir = RealNetworkData.Directory;
        LutNetwork network = OnnxImporter.Import(Path.Combine(dir, "model.onnx"));
        LutNetwork back = LutNetwork.Parse(network.ToJson());
        Assert.Equal(network.ToJson(), back.ToJson());
        float[] rows = NpyFile.Read(Path.Combine(dir, "X_test.npy")).ToSingle().AsSpan(0, 784 * 50).ToArray();
        var a = new float[500];
        var b = new float[500];
        NetworkExecutor.CreateExact(network).Multiply(rows, a);
        NetworkExecutor.CreateExact(back).Multiply(rows, b);
        Assert.Equal(NetworkTestData.Bits(a), NetworkTestData.Bits(b));
    }
}
