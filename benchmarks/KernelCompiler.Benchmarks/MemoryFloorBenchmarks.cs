using System;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace KernelCompiler.Benchmarks;

/// <summary>
/// What the memory system allows an encoder on this machine: one pass of 512-bit loads over exactly the input
/// columns a shape's model splits on (its distinct split dimensions, column-major, N rows), doing nothing with the
/// values but a max. No encoder can read its input faster, so ns/row here is a floor under any kernel's end-to-end
/// time for that shape and layout.
/// </summary>
public class MemoryFloorBenchmarks
{
    private float[] _x = [];
    private int[] _columns = [];

    [Params(KernelShapes.Cifar10C16, KernelShapes.Cifar10C32, KernelShapes.Cifar10C64)]
    public string Shape { get; set; } = KernelShapes.Cifar10C16;

    [Params(10_000, 100_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        LutModel model = KernelShapes.Model(Shape);
        _columns = model.SplitDimensions.ToArray().Distinct().Order().ToArray();
        _x = KernelShapes.Rows(Shape, Rows, RowLayout.Column);
    }

    /// <summary>Columns in chunks of 1024 rows (as the kernels read them), four independent accumulators.</summary>
    [Benchmark]
    public float ReadSplitColumns() => Read(_x, Rows, _columns);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Read(float[] x, int rows, int[] columns)
    {
        Vector512<float> a0 = Vector512<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
        const int Chunk = 1024;
        ref float start = ref MemoryMarshal.GetArrayDataReference(x);
        for (int row0 = 0; row0 + 64 <= rows; row0 += Chunk)
        {
            int end = Math.Min(rows, row0 + Chunk) / 64 * 64;
            foreach (int column in columns)
            {
                ref float p = ref Unsafe.Add(ref start, (nint)column * rows);
                for (nint r = row0; r < end; r += 64)
                {
                    a0 = Vector512.Max(a0, Vector512.LoadUnsafe(ref p, (nuint)r));
                    a1 = Vector512.Max(a1, Vector512.LoadUnsafe(ref p, (nuint)(r + 16)));
                    a2 = Vector512.Max(a2, Vector512.LoadUnsafe(ref p, (nuint)(r + 32)));
                    a3 = Vector512.Max(a3, Vector512.LoadUnsafe(ref p, (nuint)(r + 48)));
                }
            }
        }

        return Vector512.Sum(Vector512.Max(Vector512.Max(a0, a1), Vector512.Max(a2, a3)));
    }
}
