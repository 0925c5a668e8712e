using System.Threading;
using KernelCompiler.Training;
using MathNet.Numerics.LinearAlgebra;

namespace KernelCompiler.Tests.Calibration;

public sealed class CodeRidgeSolverTests
{
    [Theory]
    [InlineData(1, 50, 2)]
    [InlineData(5, 300, 3)]
    [InlineData(9, 700, 17)]   // 144 unknowns: three factorisation panels, two solve blocks
    public void Solution_equals_a_dense_Cholesky_solve(int codebooks, int rows, int columns)
    {
        var random = new Random(codebooks);
        var codes = new byte[rows * codebooks];
        for (int i = 0; i < codes.Length; i++) codes[i] = (byte)(random.Next(16) & random.Next(16));   // skewed, some buckets empty
        var y = new double[rows * columns];
        for (int i = 0; i < y.Length; i++) y[i] = random.NextDouble() * 2 - 1;

        var solver = new CodeRidgeSolver(codes, rows, codebooks, 0.7, CancellationToken.None);
        int k = codebooks * 16;
        var gty = new double[k * columns];
        for (int n = 0; n < rows; n++) solver.Accumulate(n, y.AsSpan(n * columns, columns), gty);
        double[] actual = solver.Solve(gty, columns, CancellationToken.None);

        Matrix<double> g = Matrix<double>.Build.Dense(rows, k);
        for (int n = 0; n < rows; n++)
            for (int c = 0; c < codebooks; c++) g[n, c * 16 + codes[n * codebooks + c]] = 1;
        Matrix<double> yMatrix = Matrix<double>.Build.Dense(rows, columns, (i, j) => y[i * columns + j]);
        Matrix<double> expected = (g.TransposeThisAndMultiply(g) + 0.7 * Matrix<double>.Build.DenseIdentity(k))
            .Cholesky().Solve(g.TransposeThisAndMultiply(yMatrix));
        for (int i = 0; i < k; i++)
            for (int j = 0; j < columns; j++)
                Assert.True(Math.Abs(expected[i, j] - actual[i * columns + j]) < 1e-9, i + "," + j + ": " + expected[i, j] + " vs " + actual[i * columns + j]);
    }

    [Fact]
    public void Cancelled_token_stops_the_factorisation()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => new CodeRidgeSolver(new byte[64], 16, 4, 1, cancelled.Token));
    }
}
