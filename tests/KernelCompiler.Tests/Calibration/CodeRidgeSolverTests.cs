using System.Threading;
using KernelCompiler.Training;

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

        // The oracle: the normal equations (GᵀG + λI) X = GᵀY written out densely, solved by Gaussian elimination.
        var a = new double[k, k + columns];
        for (int i = 0; i < k; i++) a[i, i] = 0.7;
        for (int n = 0; n < rows; n++)
        {
            for (int c = 0; c < codebooks; c++)
            {
                int r = c * 16 + codes[n * codebooks + c];
                for (int c2 = 0; c2 < codebooks; c2++) a[r, c2 * 16 + codes[n * codebooks + c2]] += 1;
                for (int j = 0; j < columns; j++) a[r, k + j] += y[n * columns + j];
            }
        }

        double[,] expected = SolveDense(a, k, columns);
        for (int i = 0; i < k; i++)
            for (int j = 0; j < columns; j++)
                Assert.True(Math.Abs(expected[i, j] - actual[i * columns + j]) < 1e-9, i + "," + j + ": " + expected[i, j] + " vs " + actual[i * columns + j]);
    }

    private static double[,] SolveDense(double[,] a, int k, int columns)
    {
        for (int p = 0; p < k; p++)
        {
            int pivot = p;
            for (int i = p + 1; i < k; i++) if (Math.Abs(a[i, p]) > Math.Abs(a[pivot, p])) pivot = i;
            for (int j = 0; j < k + columns; j++) (a[p, j], a[pivot, j]) = (a[pivot, j], a[p, j]);
            for (int i = p + 1; i < k; i++)
            {
                double f = a[i, p] / a[p, p];
                for (int j = p; j < k + columns; j++) a[i, j] -= f * a[p, j];
            }
        }

        var x = new double[k, columns];
        for (int j = 0; j < columns; j++)
        {
            for (int i = k - 1; i >= 0; i--)
            {
                double sum = a[i, k + j];
                for (int q = i + 1; q < k; q++) sum -= a[i, q] * x[q, j];
                x[i, j] = sum / a[i, i];
            }
        }

        return x;
    }

    [Fact]
    public void Cancelled_token_stops_the_factorisation()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => new CodeRidgeSolver(new byte[64], 16, 4, 1, cancelled.Token));
    }
}
