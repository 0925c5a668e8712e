using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO;
using KernelCompiler.IO;
using KernelCompiler.Training;

namespace KernelCompiler.Benchmarks;

/// <summary>
/// The real data sets of the speed-versus-accuracy benchmarks (<see cref="TradeoffBenchmarks"/>,
/// <see cref="AggregationBenchmarks"/>) and the plot program (benchmarks/KernelCompiler.Plots), by the name the
/// <c>Dataset</c> parameter spells:
/// <list type="bullet">
/// <item><c>mnist-mlp512</c>: the last layer of an MNIST MLP, D = 512, M = 10, B = W with bias b; 20,000 training rows,
/// 10,000 test rows with labels (metric: argmax accuracy).</item>
/// <item><c>photos-sobel</c>, <c>photos-gauss</c>: 3×3 filtering of the photographs as a GEMM (im2col), D = 27, M = 2
/// (Sobel x and y) or 1 (Gaussian); 283,383 training and 283,383 test rows from disjoint images (metric: NMSE against
/// the exact product Y_test_*).</item>
/// </list>
/// Models are trained on all training rows (tables from the prototypes, λ = 1, the trainer's defaults) and cached on
/// disk through <see cref="KernelShapes.CachedModel"/>, so the benchmark processes and the plot program time and score
/// the very same model files.
/// </summary>
public static class TradeoffData
{
    public const string Mnist = "mnist-mlp512";
    public const string PhotosSobel = "photos-sobel";
    public const string PhotosGauss = "photos-gauss";

    // Bump when the models change meaning, so stale cached files are not reused.
    private const string CacheVersion = "v1";

    private static readonly ConcurrentDictionary<string, Lazy<TradeoffDataset>> Test = new();

    /// <summary>Every data set, in the order the plots and tables list them.</summary>
    public static string[] Datasets { get; } = [Mnist, PhotosSobel, PhotosGauss];

    /// <summary>Where the data set lives and what B it multiplies by.</summary>
    private static (string Folder, string Weights, string? Bias, string? Labels, string? Exact) Files(string dataset) => dataset switch
    {
        Mnist => ("mnist-mlp512", "W.npy", "b.npy", "y_test.npy", null),
        PhotosSobel => ("im2col-photos", "W_sobel.npy", null, null, "Y_test_sobel.npy"),
        PhotosGauss => ("im2col-photos", "W_gauss.npy", null, null, "Y_test_gauss.npy"),
        _ => throw new ArgumentException("Unknown data set " + dataset, nameof(dataset)),
    };

    /// <summary>D of a data set (C may not exceed it: every codebook needs a column of its own).</summary>
    public static int InputDimension(string dataset) => Files(dataset).Folder == "mnist-mlp512" ? 512 : 27;

    /// <summary>The held-out test rows, B, the bias and the reference answers of a data set; read once per process.</summary>
    public static TradeoffDataset TestSet(string dataset)
        => Test.GetOrAdd(dataset, name => new Lazy<TradeoffDataset>(() => Load(name))).Value;

    /// <summary>
    /// The model of <paramref name="dataset"/> with <paramref name="codebooks"/> codebooks and the given aggregation,
    /// trained on the data set's X_train with <see cref="MaddnessTrainer"/> the first time and read from the cache after.
    /// </summary>
    public static LutModel Model(string dataset, int codebooks, LutAggregation aggregation)
    {
        string key = string.Create(CultureInfo.InvariantCulture,
            $"tradeoff-{dataset}-C{codebooks}-{aggregation.ToString().ToLowerInvariant()}-{CacheVersion}");
        return KernelShapes.CachedModel(key, () =>
        {
            (string folder, string weights, string? bias, _, _) = Files(dataset);
            (float[] a, int rows, _) = SharedData.Matrix(folder, "X_train.npy");
            (float[] b, _, int outputs) = SharedData.Matrix(folder, weights);
            float[] bs = bias is null ? [] : SharedData.Matrix(folder, bias).Values;
            return MaddnessTrainer.Train(a, rows, b, outputs, bs, new MaddnessTrainerOptions
            {
                Codebooks = codebooks,
                Aggregation = aggregation,
                Name = key,
                Producer = "KernelCompiler.Benchmarks",
            });
        });
    }

    private static TradeoffDataset Load(string dataset)
    {
        (string folder, string weights, string? bias, string? labels, string? exact) = Files(dataset);
        (float[] x, int rows, int d) = SharedData.Matrix(folder, "X_test.npy");
        (float[] w, _, int m) = SharedData.Matrix(folder, weights);
        return new TradeoffDataset(dataset, x, rows, d, w, m,
            bias is null ? [] : SharedData.Matrix(folder, bias).Values,
            labels is null ? null : NpyFile.Read(Path.Combine(SharedData.Root, folder, labels)).ToInt32(),
            exact is null ? null : SharedData.Matrix(folder, exact).Values);
    }
}

/// <summary>
/// The held-out rows of a data set (row-major, <see cref="Rows"/> × <see cref="D"/>), B (D × M, row-major), the bias
/// (empty or M values), and either the class labels or the exact product of the test rows (rows × M).
/// </summary>
public sealed record TradeoffDataset(string Name, float[] X, int Rows, int D, float[] W, int M, float[] Bias,
    int[]? Labels, float[]? Exact)
{
    /// <summary>The first <paramref name="rows"/> test rows, row-major or column-major (stored D × rows).</summary>
    public float[] FirstRows(int rows, RowLayout layout)
    {
        if (rows > Rows) throw new InvalidOperationException(Name + " has " + Rows + " test rows, fewer than " + rows);
        float[] x = X.AsSpan(0, rows * D).ToArray();
        return layout == RowLayout.Row ? x : KernelShapes.Transpose(x, rows, D);
    }
}
