using BenchmarkDotNet.Attributes;
using KernelCompiler.Runtime;

namespace KernelCompiler.Benchmarks;

/// <summary>
/// Where a fused path's Multiply spends its time: the emitted kernel (ISA Auto: the fused AVX-512 VBMI path, or the
/// fused AVX2 one under <c>DOTNET_EnableAVX512=0</c>) on column-major input, N = 10,000, with stages switched off
/// (<see cref="FusedStageSkips"/>): encode alone, encode + scan, everything. Each stage's cost is the difference of two
/// rows. Measurement only: the outputs are wrong while a stage is off.
/// </summary>
public class FusedStageBenchmarks
{
    /// <summary>Which stages run.</summary>
    public enum Stages
    {
        /// <summary>Encode only.</summary>
        Encode,

        /// <summary>Encode and scan, no stores.</summary>
        EncodeScan,

        /// <summary>The whole call.</summary>
        All,
    }

    private LutKernel _kernel = null!;
    private float[] _x = [];
    private float[] _y = [];

    [Params(KernelShapes.Cifar10C16, KernelShapes.Cifar10C32, KernelShapes.Cifar10C64, KernelShapes.Cifar100C16)]
    public string Shape { get; set; } = KernelShapes.Cifar10C16;

    [Params(Stages.Encode, Stages.EncodeScan, Stages.All)]
    public Stages Stage { get; set; }

    [Params(10_000)]
    public int Rows { get; set; } = 10_000;

    [GlobalSetup]
    public void Setup()
    {
        LutModel model = KernelShapes.Model(Shape);
        _kernel = LutKernel.Compile(model);
        _x = KernelShapes.Rows(Shape, Rows, RowLayout.Column);
        _y = new float[Rows * model.OutputDimension];
        FusedStageSkips.Skipped = Stage switch
        {
            Stages.Encode => FusedStageSkips.Scan | FusedStageSkips.Stores,
            Stages.EncodeScan => FusedStageSkips.Stores,
            _ => 0,
        };
    }

    [GlobalCleanup]
    public void Cleanup() => FusedStageSkips.Skipped = 0;

    [Benchmark]
    public void EmittedMultiplyColumnMajor() => _kernel.MultiplyColumnMajor(_x, _y);
}
