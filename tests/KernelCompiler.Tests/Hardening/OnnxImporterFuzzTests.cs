using System.Threading;
using CsCheck;
using Google.Protobuf;
using KernelCompiler.Tests.Networks;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using Xunit.Abstractions;

namespace KernelCompiler.Tests.Hardening;

/// <summary>Hostile ONNX files: valid chains mutated byte by byte and node by node must import as a network that runs
/// (and, where ONNX Runtime accepts the same file, agrees with it) or fail with <see cref="OnnxImportException"/>;
/// nothing else, and never an allocation sized by what the file claims.</summary>
public class OnnxImporterFuzzTests(ITestOutputHelper output)
{
    // Parsing allocates a bounded multiple of the input (messages, strings, error text); a declared size does not count.
    private const long AllocationSlack = 16 << 20;
    private const long PerInputByte = 64;

    private static Gen<(int Seed, (int At, byte Value)[] Edits, int Mode)> ByteMutations =>
        Gen.Select(Gen.Int[0, 100_000], Gen.Select(Gen.Int, Gen.Byte).Array[1, 6], Gen.Int[0, 4]);

    private static Gen<(int Seed, (int Kind, int A, int B, float Value)[] Edits)> GraphMutations =>
        Gen.Select(Gen.Int[0, 100_000], Gen.Select(Gen.Int[0, 20], Gen.Int, Gen.Int, Gen.Single).Array[1, 3]);

    private readonly Tally _tally = new();

    [Fact]
    public void Mutated_bytes_import_or_throw_OnnxImportException()
    {
        FuzzBudget.Run(ByteMutations,
            t => Check(MutateBytes(RandomOnnxGraphs.Create(t.Seed).ToBytes(), t.Edits, t.Mode), compareWithOnnxRuntime: false, tally: _tally),
            ciIterations: 600, output,
            print: t => Convert.ToHexString(MutateBytes(RandomOnnxGraphs.Create(t.Seed).ToBytes(), t.Edits, t.Mode)));
        output.WriteLine(_tally.ToString());
    }

    [Fact]
    public void Mutated_graphs_import_and_agree_with_ONNX_Runtime_or_throw_OnnxImportException()
    {
        FuzzBudget.Run(GraphMutations,
            t => Check(MutateGraph(t.Seed, t.Edits), compareWithOnnxRuntime: true, tally: _tally),
            ciIterations: 400, output,
            print: t => Convert.ToHexString(MutateGraph(t.Seed, t.Edits)));
        output.WriteLine(_tally.ToString());
    }

    [Fact]
    public void Valid_random_chains_import_and_agree_with_ONNX_Runtime()
    {
        int imported = 0;
        for (int seed = 0; seed < 60; seed++)
        {
            Assert.NotNull(Check(RandomOnnxGraphs.Create(seed).ToBytes(), compareWithOnnxRuntime: true));
            imported++;
        }

        output.WriteLine(imported + " random chains imported and matched ONNX Runtime");
    }

    /// <summary>Imports <paramref name="bytes"/>: null when refused with the documented exception (within the
    /// allocation budget), else the network after checking that it runs, round-trips and matches ONNX Runtime.</summary>
    internal static LutNetwork? Check(byte[] bytes, bool compareWithOnnxRuntime, string name = "fuzz.onnx", Tally? tally = null)
    {
        long budget = AllocationSlack + PerInputByte * bytes.Length;
        long before = GC.GetAllocatedBytesForCurrentThread();
        LutNetwork network;
        try
        {
            network = OnnxImporter.Import(new MemoryStream(bytes), name);
        }
        catch (OnnxImportException e)
        {
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < budget, "allocated " + allocated + " bytes, budget " + budget + " (" + e.Message + ")");
            Assert.StartsWith(name + ": ", e.Message);
            if (tally is not null) Interlocked.Increment(ref tally.Refused);
            return null;
        }

        if (tally is not null) Interlocked.Increment(ref tally.Imported);
        Assert.True(network.IsExact);
        Assert.Equal(network.ToJson(), LutNetwork.Parse(network.ToJson()).ToJson());
        Assert.Equal(network.ToJson(), OnnxImporter.Import(new MemoryStream(bytes), name).ToJson());
        const int rows = 5;
        (float[] x, int[] shape) = RandomOnnxGraphs.Rows(network, rows, bytes.Length);
        var logits = new float[rows * network.OutputDimension];
        NetworkExecutor.CreateExact(network).Multiply(x, logits);
        if (compareWithOnnxRuntime)
        {
            float[] expected;
            try
            {
                expected = network.Input.BatchName == "1"
                    ? OnnxRuntimeOracle.Run(bytes, x[..network.InputDimension], [1, .. shape[1..]])
                    : OnnxRuntimeOracle.Run(bytes, x, shape);
            }
            catch (OnnxRuntimeException e)
            {
                if (tally is not null)
                {
                    Interlocked.Increment(ref tally.RuntimeRefused);
                    lock (tally) tally.RuntimeMessages.Add(e.Message.Length > 300 ? e.Message[..300] : e.Message);
                }

                // ONNX Runtime refuses some files that are within the importer's forms (e.g. an old opset's Gemm
                // without C); nothing to compare.
                return network;
            }

            int n = network.Input.BatchName == "1" ? 1 : rows;
            int m = network.OutputDimension;
            float[] ours = network.OutputTransform switch
            {
                NetworkOutputTransform.None => logits,
                _ => Transform(logits, n, m, network.OutputTransform == NetworkOutputTransform.LogSoftmax),
            };

            Assert.Equal(n * m, expected.Length);
            OnnxRuntimeOracle.AssertClose(expected, ours[..(n * m)], n, m, 1e-3f);
            if (tally is not null) Interlocked.Increment(ref tally.Compared);
        }

        return network;
    }

    private static float[] Transform(float[] logits, int rows, int m, bool log)
    {
        var y = new float[rows * m];
        for (int r = 0; r < rows; r++)
        {
            double max = logits.Skip(r * m).Take(m).Max();
            double sum = logits.Skip(r * m).Take(m).Sum(v => Math.Exp(v - max));
            for (int j = 0; j < m; j++)
            {
                double v = logits[r * m + j] - max;
                y[r * m + j] = (float)(log ? v - Math.Log(sum) : Math.Exp(v) / sum);
            }
        }

        return y;
    }

    private static byte[] MutateGraph(int seed, (int Kind, int A, int B, float Value)[] edits)
    {
        ModelProto model = RandomOnnxGraphs.Create(seed).Model;
        foreach ((int kind, int a, int b, float value) in edits)
        {
            RandomOnnxGraphs.Mutate(model, kind, a, b, value);
        }

        return model.ToByteArray();
    }

    private static byte[] MutateBytes(byte[] bytes, (int At, byte Value)[] edits, int mode)
    {
        var list = new List<byte>(bytes);
        foreach ((int at, byte value) in edits)
        {
            int i = (int)((uint)at % (uint)Math.Max(list.Count, 1));
            switch (mode)
            {
                case 0 when list.Count > 0: list[i] = value; break;
                case 1 when list.Count > 0: list[i] ^= (byte)(1 << (value & 7)); break;
                case 2: list.Insert(i, value); break;
                case 3 when list.Count > 0: list.InsertRange(i, list.GetRange(i, Math.Min(value, list.Count - i))); break;
                default: if (list.Count > i) list.RemoveRange(i, list.Count - i); break;
            }
        }

        return list.ToArray();
    }

    internal sealed class Tally
    {
        public int Refused;
        public int Imported;
        public int Compared;
        public int RuntimeRefused;
        public readonly HashSet<string> RuntimeMessages = [];

        public override string ToString() => Refused + " refused with OnnxImportException, " + Imported + " imported (" + Compared +
            " matched ONNX Runtime, " + RuntimeRefused + " refused by ONNX Runtime" +
            string.Concat(RuntimeMessages.Take(12).Select(m => "\n  ONNX Runtime: " + m)) + ")";
    }
}
