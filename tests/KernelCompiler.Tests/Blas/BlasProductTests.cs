using KernelCompiler.Blas;

namespace KernelCompiler.Tests.Blas;

/// <summary>A theory that needs a CBLAS library; skipped, with the loader's reason, only when none can be loaded.</summary>
public sealed class NativeBlasTheoryAttribute : TheoryAttribute
{
    public NativeBlasTheoryAttribute()
    {
        if (!NativeBlas.IsAvailable) Skip = NativeBlas.UnavailableReason;
    }
}

/// <summary>A fact that needs a CBLAS library; skipped, with the loader's reason, only when none can be loaded.</summary>
public sealed class NativeBlasFactAttribute : FactAttribute
{
    public NativeBlasFactAttribute()
    {
        if (!NativeBlas.IsAvailable) Skip = NativeBlas.UnavailableReason;
    }
}

/// <summary>The exact baselines (OpenBLAS cblas_sgemm and the managed dense product) against a double-precision product.</summary>
public class BlasProductTests
{
    public static TheoryData<int, int, int, bool> Shapes => new()
    {
        { 1, 1, 1, false },
        { 7, 13, 5, false },
        { 7, 13, 5, true },
        { 300, 27, 2, true },   // more than one 256-row tile of the column-major managed path
        { 33, 64, 10, false },
        { 33, 64, 10, true },
    };

    [NativeBlasTheory]
    [MemberData(nameof(Shapes))]
    public void Cblas_sgemm_matches_a_double_product(int rows, int depth, int columns, bool columnMajor)
    {
        (float[] a, float[] b, double[] expected) = Problem(rows, depth, columns);
        var c = new float[rows * columns];

        NativeBlas.Multiply(columnMajor ? RandomModels.Transpose(a, rows, depth) : a, rows, depth, columnMajor, b, columns, c);

        AssertClose(expected, c, a, b, rows, depth, columns);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Managed_dense_product_matches_a_double_product(int rows, int depth, int columns, bool columnMajor)
    {
        (float[] a, float[] b, double[] expected) = Problem(rows, depth, columns);
        var c = new float[rows * columns];

        DenseProduct.Multiply(columnMajor ? RandomModels.Transpose(a, rows, depth) : a, rows, depth, columnMajor, b,
            DenseProduct.Transpose(b, depth, columns), columns, c);

        AssertClose(expected, c, a, b, rows, depth, columns);
    }

    [Fact]
    public void Short_spans_are_refused_by_name()
    {
        var b = new float[6];
        var c = new float[4];
        ArgumentException e = Assert.Throws<ArgumentException>(
            () => DenseProduct.Multiply(new float[5], 2, 3, false, b, DenseProduct.Transpose(b, 3, 2), 2, c));
        Assert.Equal("a", e.ParamName);
        if (NativeBlas.IsAvailable)
        {
            Assert.Equal("destination", Assert.Throws<ArgumentException>(
                () => NativeBlas.Multiply(new float[6], 2, 3, true, b, 2, new float[3])).ParamName);
        }
        else
        {
            Assert.Throws<InvalidOperationException>(() => NativeBlas.Multiply(new float[6], 2, 3, true, b, 2, c));
        }
    }

    [NativeBlasFact]
    public void Engine_names_the_library_and_one_thread()
    {
        Assert.NotNull(NativeBlas.Library);
        Assert.Null(NativeBlas.UnavailableReason);
        if (NativeBlas.IsOpenBlas)
        {
            Assert.StartsWith("OpenBLAS cblas_sgemm, 1 thread per call (OpenBLAS ", NativeBlas.Engine);
        }
    }

    private static (float[] A, float[] B, double[] Expected) Problem(int rows, int depth, int columns)
    {
        var rng = new Random(rows * 1000 + depth * 10 + columns);
        float[] a = Enumerable.Range(0, rows * depth).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        float[] b = Enumerable.Range(0, depth * columns).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var expected = new double[rows * columns];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < columns; j++)
                for (int k = 0; k < depth; k++)
                    expected[r * columns + j] += (double)a[r * depth + k] * b[k * columns + j];
        return (a, b, expected);
    }

    // float32 accumulation error is bounded by about depth · ε · Σ|a·b|; a wrong index is off by O(1).
    private static void AssertClose(double[] expected, float[] actual, float[] a, float[] b, int rows, int depth, int columns)
    {
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < columns; j++)
            {
                double magnitude = 0;
                for (int k = 0; k < depth; k++) magnitude += Math.Abs((double)a[r * depth + k] * b[k * columns + j]);
                double tolerance = (depth + 2) * 1.2e-7 * magnitude + 1e-30;
                double error = Math.Abs(expected[r * columns + j] - actual[r * columns + j]);
                Assert.True(error <= tolerance,
                    $"row {r}, column {j}: expected {expected[r * columns + j]}, got {actual[r * columns + j]} (tolerance {tolerance})");
            }
        }
    }
}
