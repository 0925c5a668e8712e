using BenchmarkDotNet.Attributes;

namespace KernelCompiler.Benchmarks;

/// <summary>The emitted kernel's end-to-end Multiply under each instruction set it can be pinned to, on the headline
/// shape (CIFAR-10-like, C = 16, N = 10,000, column-major). An ISA the machine lacks fails in Setup.</summary>
[MemoryDiagnoser]
public class InstructionSetBenchmarks
{
    private const int HeadlineRows = 10_000;
    private LutKernel _kernel = null!;
    private float[] _x = [];
    private float[] _y = [];

    [Params(KernelInstructionSet.Auto, KernelInstructionSet.Avx512, KernelInstructionSet.Avx2, KernelInstructionSet.Vector128,
        KernelInstructionSet.Scalar)]
    public KernelInstructionSet InstructionSet { get; set; }

    [Params(HeadlineRows)]
    public int Rows { get; set; } = HeadlineRows;

    [GlobalSetup]
    public void Setup()
    {
        LutModel model = KernelShapes.Model(KernelShapes.Cifar10C16);
        _kernel = LutKernel.Compile(model, new LutKernelOptions { InstructionSet = InstructionSet });
        _x = KernelShapes.Rows(KernelShapes.Cifar10C16, Rows, RowLayout.Column);
        _y = new float[Rows * model.OutputDimension];
    }

    [Benchmark]
    public void EmittedMultiplyColumnMajor() => _kernel.MultiplyColumnMajor(_x, _y);
}
