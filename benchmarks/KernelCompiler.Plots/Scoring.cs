using System;
using KernelCompiler.Benchmarks;

namespace KernelCompiler.Plots;

/// <summary>How close a product is to the exact one on a data set's held-out rows: NMSE = ‖Y − Ŷ‖² / ‖Y‖² against the
/// exact product, and for a labelled data set the argmax accuracy (a fraction).</summary>
public sealed record Score(double Nmse, double? Accuracy);

/// <summary>Scores models and the exact product on every test row of a <see cref="TradeoffDataset"/>.</summary>
public static class Scoring
{
    /// <summary>The model's outputs on all test rows, computed by the reference kernel (every other backend equals it
    /// bit for bit; the engine-matrix tests prove it), scored against the exact product.</summary>
    public static Score Model(TradeoffDataset data, LutModel model)
    {
        var y = new float[(long)data.Rows * data.M];
        LutKernel.CreateReference(model).Multiply(data.X, y);
        double[] exact = ExactProduct(data);
        return new Score(Nmse(exact, y), data.Labels is null ? null : Accuracy(y, data.M, data.Labels));
    }

    /// <summary>The exact product's own score: NMSE 0 by definition, and its accuracy on labelled data.</summary>
    public static Score Exact(TradeoffDataset data)
        => new(0, data.Labels is null ? null : Accuracy(ExactProduct(data), data.M, data.Labels));

    /// <summary>X·W + b in double, or the data set's own exact product (Y_test_*) when it ships one.</summary>
    public static double[] ExactProduct(TradeoffDataset data)
    {
        var y = new double[(long)data.Rows * data.M];
        if (data.Exact is not null)
        {
            for (long i = 0; i < y.Length; i++) y[i] = data.Exact[i];
            return y;
        }

        for (int r = 0; r < data.Rows; r++)
        {
            for (int j = 0; j < data.M; j++)
            {
                double sum = data.Bias.Length == 0 ? 0 : data.Bias[j];
                for (int k = 0; k < data.D; k++)
                {
                    sum += (double)data.X[(long)r * data.D + k] * data.W[k * data.M + j];
                }

                y[(long)r * data.M + j] = sum;
            }
        }

        return y;
    }

    public static double Nmse(ReadOnlySpan<double> exact, ReadOnlySpan<float> approximate)
    {
        double error = 0, norm = 0;
        for (int i = 0; i < exact.Length; i++)
        {
            double d = exact[i] - approximate[i];
            error += d * d;
            norm += exact[i] * exact[i];
        }

        return error / norm;
    }

    /// <summary>The fraction of rows whose largest output (the first, on ties) is the label.</summary>
    public static double Accuracy<T>(ReadOnlySpan<T> y, int outputs, ReadOnlySpan<int> labels)
        where T : IComparable<T>
    {
        int correct = 0;
        for (int r = 0; r < labels.Length; r++)
        {
            ReadOnlySpan<T> row = y.Slice(r * outputs, outputs);
            int best = 0;
            for (int j = 1; j < outputs; j++)
            {
                if (row[j].CompareTo(row[best]) > 0) best = j;
            }

            if (best == labels[r]) correct++;
        }

        return (double)correct / labels.Length;
    }
}
