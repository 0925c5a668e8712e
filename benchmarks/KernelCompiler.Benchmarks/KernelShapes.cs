using System;
using System.IO;
using KernelCompiler.Training;

namespace KernelCompiler.Benchmarks;

/// <summary>The row layouts the kernels accept: row-major N × D, or column-major (stored D × N).</summary>
public enum RowLayout
{
    Row,
    Column,
}

/// <summary>
/// The paper's benchmark shapes, by the name the <c>Shape</c> parameter spells: CIFAR-10-like (D = 512, M = 10) and
/// CIFAR-100-like (D = 512, M = 100) on random Gaussian rows, with C = 16, 32, 64; and the im2col filter (D = 27,
/// M = 2, B = W_sobel) on the real photographs of the im2col-photos data set.
/// </summary>
public static class KernelShapes
{
    public const string Cifar10C16 = "cifar10-C16";
    public const string Cifar10C32 = "cifar10-C32";
    public const string Cifar10C64 = "cifar10-C64";
    public const string Cifar100C16 = "cifar100-C16";
    public const string Cifar100C32 = "cifar100-C32";
    public const string Cifar100C64 = "cifar100-C64";
    public const string Im2colSobelC16 = "im2col-sobel-C16";

    // Random shapes train on this many rows: enough for a valid model quickly; kernel speed does not depend on fit.
    private const int RandomTrainingRows = 4096;
    private const int Im2colTrainingRows = 20_000;

    // Bump when the models change meaning, so stale cached files are not reused.
    private const string CacheVersion = "v1";

    /// <summary>D, M, C of a shape.</summary>
    public static (int D, int M, int C) Dimensions(string shape) => shape switch
    {
        Cifar10C16 => (512, 10, 16),
        Cifar10C32 => (512, 10, 32),
        Cifar10C64 => (512, 10, 64),
        Cifar100C16 => (512, 100, 16),
        Cifar100C32 => (512, 100, 32),
        Cifar100C64 => (512, 100, 64),
        Im2colSobelC16 => (27, 2, 16),
        _ => throw new ArgumentException("Unknown shape " + shape, nameof(shape)),
    };

    private static bool IsIm2col(string shape) => shape == Im2colSobelC16;

    /// <summary>
    /// The shape's model, trained with <see cref="MaddnessTrainer"/> on the first call and cached as a model file in
    /// the temp directory, so every benchmark process after the first only parses it.
    /// </summary>
    public static LutModel Model(string shape) => CachedModel(shape + "-" + CacheVersion, () => Train(shape));

    /// <summary>
    /// The model cached as <c>$TMPDIR/kernelcompiler-bench/<paramref name="key"/>.lut.json</c>, or, when there is no
    /// readable file of that name, <paramref name="train"/>'s model, saved there first. Every benchmark process after
    /// the first that needs a model only parses it. Put a version in the key and bump it when the model changes meaning.
    /// </summary>
    public static LutModel CachedModel(string key, Func<LutModel> train)
    {
        string directory = Path.Combine(Path.GetTempPath(), "kernelcompiler-bench");
        string path = Path.Combine(directory, key + ".lut.json");
        if (File.Exists(path))
        {
            try
            {
                return LutModel.Load(path);
            }
            catch (LutModelException)
            {
                // A damaged cache entry (an interrupted write by an older tool): retrain below.
            }
        }

        LutModel model = train();
        Directory.CreateDirectory(directory);
        model.Save(path);
        return model;
    }

    private static LutModel Train(string shape)
    {
        (int d, int m, int c) = Dimensions(shape);
        float[] a, b;
        int rows;
        if (IsIm2col(shape))
        {
            (float[] all, int available, _) = SharedData.Matrix("im2col-photos", "X_train.npy");
            rows = Math.Min(Im2colTrainingRows, available);
            a = all.AsSpan(0, rows * d).ToArray();
            b = SharedData.Matrix("im2col-photos", "W_sobel.npy").Values;
        }
        else
        {
            rows = RandomTrainingRows;
            a = Gaussian(seed: 1, rows * d);
            b = Gaussian(seed: 2, d * m);
        }

        return MaddnessTrainer.Train(a, rows, b, m, ReadOnlySpan<float>.Empty,
            new MaddnessTrainerOptions { Codebooks = c, Name = shape, Producer = "KernelCompiler.Benchmarks" });
    }

    /// <summary>B for the exact products: random for the CIFAR-like shapes (the dense cost does not depend on values),
    /// W_sobel for im2col. D × M, row-major.</summary>
    public static float[] Weights(string shape)
    {
        (int d, int m, _) = Dimensions(shape);
        return IsIm2col(shape) ? SharedData.Matrix("im2col-photos", "W_sobel.npy").Values : Gaussian(seed: 2, d * m);
    }

    /// <summary><paramref name="rows"/> input rows in <paramref name="layout"/>: random Gaussian, or the first rows of
    /// the photographs' X_test for im2col.</summary>
    public static float[] Rows(string shape, int rows, RowLayout layout)
    {
        (int d, _, _) = Dimensions(shape);
        float[] x;
        if (IsIm2col(shape))
        {
            (float[] all, int available, _) = SharedData.Matrix("im2col-photos", "X_test.npy");
            if (available < rows)
            {
                throw new InvalidOperationException("im2col X_test has " + available + " rows, fewer than " + rows);
            }

            x = all.AsSpan(0, rows * d).ToArray();
        }
        else
        {
            x = Gaussian(seed: 3, rows * d);
        }

        return layout == RowLayout.Row ? x : Transpose(x, rows, d);
    }

    private static float[] Gaussian(int seed, int count)
    {
        var rng = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            // Box–Muller: one standard normal value per pair of uniforms is plenty here.
            double u = 1.0 - rng.NextDouble();
            values[i] = (float)(Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        }

        return values;
    }

    /// <summary>Row-major <paramref name="rows"/> × <paramref name="columns"/> to column-major (stored columns × rows).</summary>
    public static float[] Transpose(float[] x, int rows, int columns)
    {
        var t = new float[x.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                t[(long)c * rows + r] = x[(long)r * columns + c];
        return t;
    }
}
