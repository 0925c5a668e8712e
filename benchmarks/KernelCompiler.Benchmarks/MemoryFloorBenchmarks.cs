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
/// time for that shape and layout. Row-major input (N × D) has two: every 64-byte line of every row (what a
/// streaming read costs), and only the lines of each row that hold a split dimension (what an encoder must touch).
/// </summary>
public class MemoryFloorBenchmarks
{
    private float[] _x = [];
    private int[] _columns = [];
    private float[] _rows = [];
    private int[] _lines = [];
    private int _d;

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
        _rows = KernelShapes.Rows(Shape, Rows, RowLayout.Row);
        _d = model.InputDimension;
        _lines = _columns.Select(c => c / 16 * 16).Distinct().Where(start => start + 16 <= _d).ToArray();
    }

    /// <summary>Columns in chunks of 1024 rows (as the kernels read them), four independent accumulators.</summary>
    [Benchmark]
    public float ReadSplitColumns() => Read(_x, Rows, _columns);

    /// <summary>Row-major: every 64-byte line of every row, in order (whole rows pass through the cache).</summary>
    [Benchmark]
    public float ReadWholeRows() => ReadRowLines(_rows, Rows, _d, null);

    /// <summary>Row-major: only the lines of each row that hold a split dimension (D a multiple of 16).</summary>
    [Benchmark]
    public float ReadSplitLinesOfRows() => ReadRowLines(_rows, Rows, _d, _lines);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float ReadRowLines(float[] x, int rows, int d, int[]? lines)
    {
        Vector512<float> a0 = Vector512<float>.Zero, a1 = a0;
        ref float start = ref MemoryMarshal.GetArrayDataReference(x);
        for (int r = 0; r < rows; r++)
        {
            ref float row = ref Unsafe.Add(ref start, (nint)r * d);
            if (lines is null)
            {
                nint i = 0;
                for (; i + 32 <= d; i += 32)
                {
                    a0 = Vector512.Max(a0, Vector512.LoadUnsafe(ref row, (nuint)i));
                    a1 = Vector512.Max(a1, Vector512.LoadUnsafe(ref row, (nuint)(i + 16)));
                }

                for (; i + 16 <= d; i += 16) a0 = Vector512.Max(a0, Vector512.LoadUnsafe(ref row, (nuint)i));
            }
            else
            {
                foreach (int line in lines) a0 = Vector512.Max(a0, Vector512.LoadUnsafe(ref row, (nuint)line));
            }
        }

        return Vector512.Sum(Vector512.Max(a0, a1));
    }

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
