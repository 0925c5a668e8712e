extern alias Generator;

using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using KernelCompiler.Calibration;
using KernelCompiler.IO;
using KernelCompiler.Tests;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Emit;

namespace KernelCompiler.Generators.Tests;

/// <summary><c>[LutKernel]</c> on a network file (version 2, told apart by content): the generated network kernel
/// equals the reference network bit for bit (in memory and in a fresh console project), and a bad network file is one
/// LUTK002 with the loader's message.</summary>
public class NetworkKernelTests
{
    private delegate void MultiplyFn(ReadOnlySpan<float> x, Span<float> logits);
    private delegate void PredictFn(ReadOnlySpan<float> x, Span<int> classes);

    /// <summary>LUT → LUT (integer hand-off), LUT → exact → LUT (float hand-off), average aggregation, identity and ReLU.</summary>
    public static TheoryData<int> Shapes() => new() { 0, 1, 2, 3 };

    private static LutNetwork Network(int shape)
    {
        var layers = shape switch
        {
            0 => new NetworkLayer[]
            {
                new LutLayer(RandomModels.Create(1, 40, 30, 8), LayerActivation.Relu),
                new LutLayer(RandomModels.Create(2, 30, 20, 16), LayerActivation.Relu),
                new LutLayer(RandomModels.Create(3, 20, 10, 4)),
            },
            1 => new NetworkLayer[]
            {
                new LutLayer(RandomModels.Create(4, 50, 24, 5), LayerActivation.Relu),
                Dense(5, 24, 12),
                new LutLayer(RandomModels.Create(6, 12, 7, 3)),
            },
            2 => new NetworkLayer[]
            {
                new LutLayer(RandomModels.Create(7, 64, 40, 16, LutAggregation.Average), LayerActivation.Relu),
                new LutLayer(RandomModels.Create(8, 40, 3, 8, LutAggregation.Average), LayerActivation.Identity),
            },
            _ => new NetworkLayer[] { Dense(9, 17, 9), new LutLayer(RandomModels.Create(10, 9, 4, 2), LayerActivation.Relu) },
        };
        return new LutNetwork("net-" + shape, NetworkInput.Flat(layers[0].InputDimension), layers);
    }

    private static DenseLayer Dense(int seed, int d, int m)
    {
        var random = new Random(seed);
        float[] w = Enumerable.Range(0, d * m).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        float[] b = Enumerable.Range(0, m).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        return new DenseLayer(d, m, w, b, LayerActivation.Relu);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void GeneratedNetworkEqualsTheReference(int shape)
    {
        LutNetwork network = Network(shape);
        var run = GeneratorHarness.Run(Models.KernelClass("models/net.lut.json", "NetKernel"),
            [GeneratorHarness.File("models/net.lut.json", network.ToJson())], knowProjectDirectory: true, GeneratorHarness.DocumentedParseOptions);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.Problems);
        Assert.Contains("MADDNESS network kernel", run.SingleSource);

        using var stream = new MemoryStream();
        EmitResult emitted = run.Output.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        stream.Position = 0;
        var context = new AssemblyLoadContext("generated-network", isCollectible: true);
        try
        {
            Type type = context.LoadFromStream(stream).GetType("Consumer.NetKernel")!;
            var random = new Random(shape);
            foreach (int rows in new[] { 0, 1, 64, 100 })
            {
                float[] x = Enumerable.Range(0, rows * network.InputDimension).Select(i => i % 37 == 5 ? float.NaN
                    : i % 41 == 7 ? float.PositiveInfinity : i % 43 == 9 ? float.NegativeInfinity : (float)(random.NextDouble() * 4 - 2)).ToArray();
                AssertSame(network, type, x);
            }
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public void BadNetworkFileIsLutk002WithTheLoadersMessage()
    {
        string json = Network(0).ToJson().Replace("\"inputDimension\": 30", "\"inputDimension\": 31", StringComparison.Ordinal);
        Assert.NotEqual(Network(0).ToJson(), json);
        string message = Assert.Throws<LutModelException>(() => LutFile.Parse(json, "models/net.lut.json")).Message;
        var run = GeneratorHarness.Run(Models.KernelClass("models/net.lut.json", "NetKernel"), GeneratorHarness.File("models/net.lut.json", json));
        Diagnostic d = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("LUTK002", d.Id);
        Assert.Equal("The model for 'Consumer.NetKernel' is invalid: " + message, d.GetMessage());
        Assert.Empty(run.Sources);
    }

    /// <summary>The scenario: a fresh console project with <c>[LutKernel]</c> on the shared MNIST network's file
    /// (imported from samples/mnist-mlp-net/model.onnx and calibrated here), built by <c>dotnet build</c> and run on
    /// the real test rows; the logits' bits and the classes it prints equal the reference network's.</summary>
    [Fact]
    public void FreshConsoleProjectWithANetworkFileMatchesTheReferenceNetwork()
    {
        LutNetwork exact = OnnxImporter.Import(SharedData.Rows("mnist-mlp-net", "model.onnx"));
        float[] train = NpyFile.Read(SharedData.Rows("mnist-mlp-net", "X_train.npy")).ToSingle().AsSpan(0, 1000 * 784).ToArray();
        int[] labels = NpyFile.Read(SharedData.Rows("mnist-mlp-net", "y_train.npy")).ToInt32().AsSpan(0, 1000).ToArray();
        float[] x = NpyFile.Read(SharedData.Rows("mnist-mlp-net", "X_test.npy")).ToSingle().AsSpan(0, 500 * 784).ToArray();
        LutNetwork network = NetworkCalibrator.Calibrate(exact, train, labels,
            new NetworkCalibrationOptions { LayerCodebooks = [32, 16, 8] }).Network;

        string dir = Path.Combine(Path.GetTempPath(), "kernelcompiler-network-consumer-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(dir, "models"));
        try
        {
            network.Save(Path.Combine(dir, "models", "mnist.lut.json"));
            ConsumerProgram.WriteRows(Path.Combine(dir, "rows.bin"), x);
            File.WriteAllText(Path.Combine(dir, "Program.cs"), ProgramSource);
            File.WriteAllText(Path.Combine(dir, "Consumer.csproj"), ConsumerProjectTests.ProjectFile());
            File.WriteAllText(Path.Combine(dir, "Directory.Build.props"), "<Project />");
            File.WriteAllText(Path.Combine(dir, "Directory.Packages.props"), "<Project />");

            ChildProcess.Dotnet(dir, "build", "-c", "Release", "--nologo", "-v", "q");
            string output = ChildProcess.Dotnet(dir, "bin/Release/net10.0/Consumer.dll", "rows.bin");

            int rows = x.Length / 784;
            var logits = new float[rows * network.OutputDimension];
            var classes = new int[rows];
            NetworkExecutor reference = NetworkExecutor.CreateReference(network);
            reference.Multiply(x, logits);
            reference.Predict(x, classes);
            string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Equal(2, lines.Length);
            Assert.Equal("logits " + string.Join(" ", logits.Select(v => BitConverter.SingleToInt32Bits(v).ToString("x8", CultureInfo.InvariantCulture))), lines[0]);
            Assert.Equal("classes " + string.Join(" ", classes), lines[1]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private const string ProgramSource = """
        using System;
        using System.Globalization;
        using System.IO;
        using System.Runtime.InteropServices;

        float[] x = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(args[0])).ToArray();
        int rows = x.Length / MnistNetwork.InputDimension;
        var logits = new float[rows * MnistNetwork.OutputDimension];
        var classes = new int[rows];
        MnistNetwork.Multiply(x, logits);
        MnistNetwork.Predict(x, classes);
        Console.WriteLine("logits " + string.Join(" ", Array.ConvertAll(logits, v => BitConverter.SingleToInt32Bits(v).ToString("x8", CultureInfo.InvariantCulture))));
        Console.WriteLine("classes " + string.Join(" ", classes));

        [KernelCompiler.LutKernel("models/mnist.lut.json")]
        public static partial class MnistNetwork { }
        """;

    private static void AssertSame(LutNetwork network, Type type, float[] x)
    {
        int rows = x.Length / network.InputDimension, m = network.OutputDimension;
        var expected = new float[rows * m];
        var expectedClasses = new int[rows];
        NetworkExecutor reference = NetworkExecutor.CreateReference(network);
        reference.Multiply(x, expected);
        reference.Predict(x, expectedClasses);
        var actual = new float[rows * m];
        var classes = new int[rows];
        Bind<MultiplyFn>(type, "Multiply")(x, actual);
        Bind<PredictFn>(type, "Predict")(x, classes);
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(expectedClasses, classes);
    }

    private static T Bind<T>(Type type, string name) where T : Delegate
        => type.GetMethods(BindingFlags.Public | BindingFlags.Static).Single(m => m.Name == name && m.GetParameters().Length == 2)
            .CreateDelegate<T>();
}
