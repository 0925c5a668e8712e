using System.Globalization;
using KernelCompiler.Runtime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using KernelCompiler.Emit;
using KernelCompiler.Planning;

namespace KernelCompiler.Tests.Emit;

/// <summary>The C# the writer produces, compiled in memory against the BCL and KernelCompiler (its runtime): what the
/// engine matrix (where "generated" is one engine per path) does not cover: table-driven and large kernels, allocation,
/// argument checks, determinism and the shape of the source.</summary>
public class GeneratedKernelTests
{
    [Fact]
    public void TableDrivenKernelsMatchTheReference()
    {
        var sources = new List<string>();
        var models = new List<LutModel>();
        foreach (var isa in new[] { KernelInstructionSet.Auto, KernelInstructionSet.Avx2, KernelInstructionSet.Vector128, KernelInstructionSet.Scalar })
        {
            foreach (var model in KernelEquivalence.LargeModels.Append(KernelEquivalence.Models[2]))
            {
                var options = new LutKernelOptions { InstructionSet = isa, Strategy = KernelStrategy.TableDriven };
                sources.Add(LutKernel.GenerateSource(model, options, "Kernel" + sources.Count, null));
                models.Add(model);
            }
        }

        // Tables above the listing limit (64 × 300 × 16 bytes) are embedded as base64.
        var wide = RandomModels.Create(23, 100, 300, 64, LutAggregation.Average);
        Assert.True(KernelPlanner.Create(wide).TablesAsBase64);
        sources.Add(LutKernel.GenerateSource(wide, null, "Kernel" + sources.Count, null));
        models.Add(wide);

        var assembly = GeneratedSource.Compile(sources, allowUnsafe: true);
        for (int i = 0; i < models.Count; i++)
        {
            var kernel = new GeneratedKernel(models[i], assembly.GetType("Kernel" + i, throwOnError: true)!);
            KernelEquivalence.AssertMatchesReference(kernel, seed: 7 * i, [0, 1, 17, 33, 65, 130]);
        }
    }

    [Fact]
    public void SeveralLargeKernelsBuildInOneAssembly()
    {
        // Two 4 MB table sets: as ordinary string literals their base64 would pass the 16 MB user-string heap
        // (CS8103); as UTF-8 literals they are data blobs.
        var models = new[] { RandomModels.Create(41, 300, 1000, 256), RandomModels.Create(42, 300, 1000, 256) };
        var assembly = GeneratedSource.Compile(models.Select((m, i) => LutKernel.GenerateSource(m, null, "Large" + i, "N")).ToList());
        for (int i = 0; i < models.Length; i++)
        {
            var kernel = new GeneratedKernel(models[i], assembly.GetType("N.Large" + i, throwOnError: true)!);
            KernelEquivalence.AssertMatchesReference(kernel, seed: 40 + i, [0, 1, 65]);
        }
    }

    /// <summary>Warm calls of every entry point of generated kernels allocate nothing on every path (forced), including
    /// those whose buffers are too large for the stack (C = 64: 64 rows of 256 slots, rented like the emitted kernel's;
    /// they were `new` arrays per call before) and the fused row-major encoder's scratch.</summary>
    [Fact]
    public void HotPathAllocatesNothing()
    {
        var models = new[]
        {
            RandomModels.Create(60, 512, 10, 16), RandomModels.Create(61, 512, 10, 64),
            RandomModels.Create(62, 512, 10, 64, LutAggregation.Average),
        };
        var isas = new[] { KernelInstructionSet.Auto }.Concat(EngineMatrix.InstructionSets.Where(EngineMatrix.IsSupported)).ToList();
        var cases = models.SelectMany(m => isas.Select(isa => (Model: m, Isa: isa))).ToList();
        KernelPlan large = KernelPlanner.Create(models[1]);
        Assert.Contains(large.Paths, p => !p.IsFused && // the case this test is for
            BlockKernelRuntime.BufferBytes(p.RowsPerBlock, large.SlotDimensions.Length, large.Codebooks) > BlockKernelRuntime.MaxStackBufferBytes);
        var sources = cases.Select((k, i) => LutKernel.GenerateSource(k.Model, new LutKernelOptions { InstructionSet = k.Isa }, "Kernel" + i, "Alloc")).ToList();
        var assembly = GeneratedSource.Compile(sources, allowUnsafe: true);

        // Three AVX-512 blocks, then one block of each narrower path and a scalar tail; 15 fused tiles and a tail.
        const int rows = 3 * 64 + 32 + 16 + 15;
        for (int i = 0; i < cases.Count; i++)
        {
            LutModel model = cases[i].Model;
            var kernel = new GeneratedKernel(model, assembly.GetType("Alloc.Kernel" + i, throwOnError: true)!);
            float[] x = RandomModels.Rows(63, model, rows);
            var codes = new byte[rows * model.Codebooks];
            var sums = new int[rows * model.OutputDimension];
            var y = new float[rows * model.OutputDimension];
            void Run()
            {
                kernel.EncodeRowMajor(x, codes);
                kernel.EncodeColumns(x, codes);
                kernel.AggregateCodes(codes, sums);
                kernel.MultiplyRows(x, y);
                kernel.MultiplyColumns(x, y);
                kernel.MultiplyCodes(codes, y);
            }

            Run(); // compiles everything and warms the array pool of this thread
            long before = GC.GetAllocatedBytesForCurrentThread();
            Run();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated == 0, model.Name + ", C=" + model.Codebooks + ", " + cases[i].Isa + ": " + allocated + " bytes allocated.");
        }
    }

    [Fact]
    public void GeneratedMembersCheckArgumentsLikeLutKernel()
    {
        var model = RandomModels.Create(3, 10, 3, 4);
        var assembly = GeneratedSource.Compile([LutKernel.GenerateSource(model, null, "Checked", "N")]);
        var kernel = new GeneratedKernel(model, assembly.GetType("N.Checked", throwOnError: true)!);
        Assert.Equal(10, kernel.Constant("InputDimension"));
        Assert.Equal(3, kernel.Constant("OutputDimension"));
        Assert.Equal(4, kernel.Constant("Codebooks"));

        Assert.Equal("x", Assert.Throws<ArgumentException>(() => kernel.EncodeRowMajor(new float[15], new byte[8])).ParamName);
        Assert.Equal("codes", Assert.Throws<ArgumentException>(() => kernel.EncodeColumns(new float[20], new byte[7])).ParamName);
        Assert.Equal("codes", Assert.Throws<ArgumentException>(() => kernel.AggregateCodes(new byte[7], new int[6])).ParamName);
        Assert.Equal("codes", Assert.Throws<ArgumentException>(() => kernel.AggregateCodes([0, 1, 16, 2], new int[3])).ParamName);
        Assert.Equal("sums", Assert.Throws<ArgumentException>(() => kernel.AggregateCodes(new byte[8], new int[5])).ParamName);
        Assert.Equal("destination", Assert.Throws<ArgumentException>(() => kernel.MultiplyRows(new float[20], new float[5])).ParamName);
        Assert.Equal("destination", Assert.Throws<ArgumentException>(() => kernel.MultiplyColumns(new float[10], new float[2])).ParamName);
        Assert.Equal("codes", Assert.Throws<ArgumentException>(() => kernel.MultiplyCodes([0, 0, 0, 255], new float[3])).ParamName);

        // A longer destination is fine and its tail untouched.
        var y = Enumerable.Repeat(42f, 8).ToArray();
        kernel.MultiplyRows(new float[10], y);
        Assert.Equal(42f, y[7]);
    }

    [Fact]
    public void SourceIsDeterministicAndCultureProof()
    {
        var model = RandomModels.Create(5, 12, 4, 6, LutAggregation.Exact);
        string first = LutKernel.GenerateSource(model);
        var saved = CultureInfo.CurrentCulture;
        try
        {
            var hostile = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            hostile.NumberFormat.NegativeSign = "\u2212";
            hostile.NumberFormat.NumberDecimalSeparator = ",";
            hostile.NumberFormat.NumberGroupSeparator = ".";
            CultureInfo.CurrentCulture = hostile;
            CultureInfo.CurrentUICulture = hostile;
            Assert.Equal(first, LutKernel.GenerateSource(model));
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
            CultureInfo.CurrentUICulture = saved;
        }

        Assert.Equal(first, LutKernel.GenerateSource(LutModel.Parse(model.ToJson())));
        Assert.DoesNotContain("\u2212", first);
    }

    [Fact]
    public void EveryThresholdAppearsAsALiteral()
    {
        var model = RandomModels.Create(8, 30, 2, 7);
        string source = LutKernel.GenerateSource(model);
        var root = CSharpSyntaxTree.ParseText(source).GetRoot();
        var literals = new HashSet<float>(root.DescendantTokens()
            .Where(t => t.IsKind(SyntaxKind.NumericLiteralToken) && t.Value is float)
            .Select(t => t.Parent?.Parent is PrefixUnaryExpressionSyntax p && p.IsKind(SyntaxKind.UnaryMinusExpression)
                ? -(float)t.Value! : (float)t.Value!));
        if (root.DescendantNodes().OfType<MemberAccessExpressionSyntax>().Any(e => e.ToString() == "float.MaxValue"))
        {
            literals.Add(float.MaxValue);
        }

        foreach (float t in model.Thresholds.ToArray())
        {
            Assert.Contains(t, literals);
        }

        Assert.Contains("// <auto-generated/>", source);
        Assert.Contains(model.Name, source);
        Assert.Contains("[GeneratedCode(\"KernelCompiler\"", source);
        Assert.Contains("Avx2.IsSupported", source);
        Assert.Contains("Avx512BW.IsSupported", source);
    }

    [Fact]
    public void SkipLocalsInitOnlyWhenUnsafeCodeIsAllowed()
    {
        var model = RandomModels.Create(4, 6, 2, 2);
        var plan = KernelPlanner.Create(model, new KernelPlanOptions());
        string safe = CSharpKernelWriter.Write(plan, new KernelSourceInfo("Safe", "N", "internal"));
        string withUnsafe = CSharpKernelWriter.Write(plan, new KernelSourceInfo("Fast", "N", "public", "models/m.lut.json", allowUnsafeBlocks: true));
        Assert.DoesNotContain("[SkipLocalsInit]", safe);
        Assert.Contains("internal static partial class Safe", safe);
        Assert.Contains("[SkipLocalsInit]", withUnsafe);
        Assert.Contains("models/m.lut.json", withUnsafe);
        // C# 11 is the oldest language the generated file needs (file-local class).
        GeneratedSource.Compile([safe], languageVersion: LanguageVersion.CSharp11);
        GeneratedSource.Compile([withUnsafe], allowUnsafe: true);
        // Why the flag exists: the C# compiler refuses [SkipLocalsInit] without unsafe code (CS0227).
        var refused = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => GeneratedSource.Compile([withUnsafe]));
        Assert.Contains("CS0227", refused.Message);
    }
}
