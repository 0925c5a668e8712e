using System.Collections.Concurrent;

namespace KernelCompiler.Tests;

/// <summary>One correctness case of the engine matrix: a model, row-major rows, codes that no encoder produced, and
/// the reference's answers for all of them (computed once, shared by every engine).</summary>
public sealed class MatrixCase
{
    private readonly Lazy<Expected> _expected;

    public MatrixCase(string name, LutModel model, float[] rows, int seed)
    {
        Name = name;
        Model = model;
        X = rows;
        Rows = rows.Length / model.InputDimension;
        var rng = new Random(seed);
        RandomCodes = new byte[Rows * model.Codebooks];
        for (int i = 0; i < RandomCodes.Length; i++) RandomCodes[i] = (byte)rng.Next(16);
        _expected = new Lazy<Expected>(() => new Expected(this));
    }

    public string Name { get; }

    public LutModel Model { get; }

    public int Rows { get; }

    /// <summary>Row-major N × D.</summary>
    public float[] X { get; }

    public byte[] RandomCodes { get; }

    public Expected Reference => _expected.Value;

    public override string ToString() => Name + " (D=" + Model.InputDimension + ", M=" + Model.OutputDimension + ", C=" +
        Model.Codebooks + ", N=" + Rows + ", " + Model.Aggregation + ")";

    public sealed class Expected
    {
        public Expected(MatrixCase c)
        {
            var reference = LutKernel.CreateReference(c.Model);
            int m = c.Model.OutputDimension;
            XColumnMajor = RandomModels.Transpose(c.X, c.Rows, c.Model.InputDimension);
            Codes = new byte[c.Rows * c.Model.Codebooks];
            reference.Encode(c.X, Codes);
            Sums = new int[c.Rows * m];
            reference.Aggregate(Codes, Sums);
            Outputs = new float[c.Rows * m];
            reference.Multiply(c.X, Outputs);
            RandomSums = new int[c.Rows * m];
            reference.Aggregate(c.RandomCodes, RandomSums);
            RandomOutputs = new float[c.Rows * m];
            reference.Multiply(c.RandomCodes, RandomOutputs);
        }

        public float[] XColumnMajor { get; }

        public byte[] Codes { get; }

        public int[] Sums { get; }

        public float[] Outputs { get; }

        public int[] RandomSums { get; }

        public float[] RandomOutputs { get; }
    }
}

/// <summary>
/// The cases, by name: seeded property cases (C 1..256 with odd C, M 1..1000, D 1..600 and rarely a multiple of C,
/// both aggregations), every block boundary of every path, a large N, exact-threshold, NaN/±∞ and float.MaxValue
/// cases, and the real test rows of the data sets. Built lazily and cached, so the reference runs once per case.
/// </summary>
public static class EngineMatrixCases
{
    /// <summary>Random cases; each is cheap enough for the reference (N · M · C stays near 2 million).</summary>
    public const int PropertyCases = 48;

    private const long WorkBudget = 2_000_000;

    private static readonly ConcurrentDictionary<string, Lazy<MatrixCase>> Cache = new();

    private static readonly Dictionary<string, Func<MatrixCase>> Factories = Build();

    public static IEnumerable<string> Names => Factories.Keys;

    public static MatrixCase Get(string name)
        => Cache.GetOrAdd(name, n => new Lazy<MatrixCase>(() => Factories[n]())).Value;

    private static Dictionary<string, Func<MatrixCase>> Build()
    {
        var cases = new Dictionary<string, Func<MatrixCase>>();
        for (int i = 0; i < PropertyCases; i++)
        {
            int seed = 1000 + i;
            cases.Add("random-" + i, () => RandomCase("random-" + seed, seed));
        }

        // Row counts around every block size (16, 32, 64 rows) and none at all.
        foreach (int n in new[] { 0, 1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129 })
        {
            cases.Add("rows-" + n, () => Case("rows-" + n, RandomModels.Create(n, 50, 10, 16), n, n));
        }

        foreach (int n in new[] { 1, 63, 65, 97 })
        {
            cases.Add("rows-" + n + "-average", () =>
                Case("rows-" + n + "-average", RandomModels.Create(n, 50, 10, 16, LutAggregation.Average), n, n));
        }

        cases.Add("large-n", () => Case("large-n", RandomModels.Create(7, 512, 10, 16), 4099, 7));
        cases.Add("large-n-average", () => Case("large-n-average", RandomModels.Create(8, 300, 6, 32, LutAggregation.Average), 3001, 8));
        // Several of the fused path's encode chunks (up to 4096 rows, fewer for more groups) and a partial one.
        cases.Add("chunks-g1", () => Case("chunks-g1", RandomModels.Create(15, 40, 3, 4), 2 * 4096 + 3 * 16 + 5, 15));
        cases.Add("chunks-g5", () => Case("chunks-g5", RandomModels.Create(16, 90, 5, 20), 7013, 16));
        // Packed codes of a chunk past the stack's share (64 KiB): rented, across a chunk edge.
        cases.Add("chunks-rented", () => Case("chunks-rented", RandomModels.Create(17, 150, 3, 36), 4096 + 16 + 7, 17));
        cases.Add("widest", () => Case("widest", RandomModels.Create(9, 600, 1000, 256), 7, 9));
        // One output: the vector paths store the staged row directly.
        cases.Add("one-output", () => Case("one-output", RandomModels.Create(12, 30, 1, 16), 77, 12));
        // Two outputs (an im2col filter pair): the fused path interleaves them without a transpose.
        cases.Add("two-outputs", () => Case("two-outputs", RandomModels.Create(14, 27, 2, 16), 83, 14));
        cases.Add("one-output-average", () => Case("one-output-average", RandomModels.Create(13, 70, 1, 32, LutAggregation.Average), 1100, 13));
        // Rows far wider than any chunk budget: row-major chunks shrink to one block.
        cases.Add("wide-rows", () => Case("wide-rows", RandomModels.Create(10, 20000, 3, 8), 130, 10));

        foreach (int c in new[] { 1, 2, 4, 8, 16, 32, 48, 256 })
        {
            cases.Add("average-c" + c, () =>
                Case("average-c" + c, RandomModels.Create(100 + c, 2 * c + 3, 5, c, LutAggregation.Average), 70, c));
        }

        // The average fused path: every group size and group count, blocks of four tiles with partial last blocks
        // (rows 16 · k + r), chunks of 40 tiles (C = 48) and of 64 (the rest), and M up to its limit and just past it.
        foreach (var (c, m, rows) in new[] { (1, 3, 37), (2, 1, 90), (4, 2, 113), (8, 17, 200), (16, 100, 250), (32, 9, 1100),
            (48, 5, 1500), (64, 33, 300), (128, 4, 301), (16, 256, 90), (16, 257, 90), (128, 256, 65) })
        {
            string name = "average-fused-c" + c + "-m" + m + "-n" + rows;
            cases.Add(name, () => Case(name, RandomModels.Create(300 + c + m, c + 9, m, c, LutAggregation.Average), rows, c + m));
        }

        foreach (int c in new[] { 1, 2, 3, 5, 7, 15, 17, 33, 100, 255 })
        {
            cases.Add("codebooks-" + c, () => Case("codebooks-" + c, RandomModels.Create(200 + c, 3 * c + 1, 4, c), 70, c));
        }

        cases.Add("thresholds-exact", ThresholdsExact);
        cases.Add("special-values", () => SpecialValues(LutAggregation.Exact));
        cases.Add("special-values-average", () => SpecialValues(LutAggregation.Average));
        cases.Add("thresholds-exact-average", ThresholdsExactAverage);
        cases.Add("max-thresholds", MaxThresholds);
        cases.Add("column-zero", () => Case("column-zero", RandomModels.Create(11, 1, 3, 5), 100, 11));

        foreach (var data in EngineMatrixData.Sets)
        {
            cases.Add("data-" + data.Name, () => EngineMatrixData.Case(data));
        }

        return cases;
    }

    private static MatrixCase Case(string name, LutModel model, int rows, int seed)
        => new(name, model, RandomModels.Rows(seed, model, rows), seed);

    /// <summary>A property case: shape, aggregation and row count drawn from the seed.</summary>
    private static MatrixCase RandomCase(string name, int seed)
    {
        var rng = new Random(seed);
        int[] interesting = [1, 2, 3, 4, 7, 8, 9, 16, 17, 31, 32, 48, 64, 100, 129, 255, 256];
        int c = rng.Next(3) == 0 ? rng.Next(1, 257) : interesting[rng.Next(interesting.Length)];
        int d = rng.Next(1, 601);
        int m = rng.Next(4) == 0 ? rng.Next(1, 1001) : rng.Next(1, 40);
        bool averageAllowed = c is 1 or 2 or 4 or 8 || c % 16 == 0;
        var aggregation = averageAllowed && rng.Next(2) == 0 ? LutAggregation.Average : LutAggregation.Exact;
        int[] boundaries = [0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 129];
        int rows = rng.Next(3) == 0 ? rng.Next(1, 400) : boundaries[rng.Next(boundaries.Length)];
        rows = (int)Math.Min(rows, Math.Max(1, WorkBudget / ((long)m * c)));
        return Case(name, RandomModels.Create(seed, d, m, c, aggregation), rows, seed);
    }

    /// <summary>Every input equals one of the model's thresholds, mostly the one its column is compared with.</summary>
    private static MatrixCase ThresholdsExact()
    {
        var model = RandomModels.Create(21, 40, 6, 12);
        var rng = new Random(21);
        int rows = 150;
        var x = new float[rows * model.InputDimension];
        for (int i = 0; i < x.Length; i++) x[i] = model.Thresholds[rng.Next(model.Thresholds.Length)];
        // Put each codebook's root threshold on its own split column in some rows, so ties happen at every level.
        for (int r = 0; r < rows; r += 3)
        {
            for (int c = 0; c < model.Codebooks; c++)
            {
                int level = rng.Next(4);
                int node = rng.Next(1 << level);
                x[r * model.InputDimension + model.SplitDimension(c, level)] = model.Threshold(c, level, node);
            }
        }

        return new MatrixCase("thresholds-exact", model, x, 21);
    }

    private static readonly float[] Specials =
    [
        float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, -float.MaxValue, 0f, -0f,
        float.Epsilon, -float.Epsilon, 1e-38f, -1e-38f, 1f, -1f,
    ];

    /// <summary>NaN, ±∞, ±float.MaxValue, signed zeros and subnormals among ordinary values.</summary>
    private static MatrixCase SpecialValues(LutAggregation aggregation)
    {
        var model = RandomModels.Create(22, 37, 7, 16, aggregation);
        var rng = new Random(22);
        int rows = 200;
        var x = RandomModels.Rows(22, model, rows);
        for (int i = 0; i < x.Length; i++)
        {
            if (rng.Next(3) == 0) x[i] = Specials[rng.Next(Specials.Length)];
        }

        return new MatrixCase(aggregation == LutAggregation.Exact ? "special-values" : "special-values-average", model, x, 22);
    }

    /// <summary>An average model (C = 32, two groups) on inputs that equal its thresholds.</summary>
    private static MatrixCase ThresholdsExactAverage()
    {
        var model = RandomModels.Create(24, 45, 11, 32, LutAggregation.Average);
        var rng = new Random(24);
        int rows = 171;
        var x = new float[rows * model.InputDimension];
        for (int i = 0; i < x.Length; i++) x[i] = model.Thresholds[rng.Next(model.Thresholds.Length)];
        for (int r = 0; r < rows; r += 2)
        {
            for (int c = 0; c < model.Codebooks; c++)
            {
                int level = rng.Next(4);
                x[r * model.InputDimension + model.SplitDimension(c, level)] = model.Threshold(c, level, rng.Next(1 << level));
            }
        }

        return new MatrixCase("thresholds-exact-average", model, x, 24);
    }

    /// <summary>Thresholds at ±float.MaxValue and 0 (leaves that never split, and the other extreme), with inputs
    /// at ±∞, ±MaxValue and NaN.</summary>
    private static MatrixCase MaxThresholds()
    {
        var rng = new Random(23);
        int c = 17, d = 20, m = 5;
        var baseModel = RandomModels.Create(23, d, m, c);
        var thresholds = new float[c * 15];
        for (int i = 0; i < thresholds.Length; i++)
        {
            thresholds[i] = rng.Next(3) switch { 0 => float.MaxValue, 1 => -float.MaxValue, _ => 0f };
        }

        var model = new LutModel(d, m, baseModel.SplitDimensions.ToArray(), thresholds, baseModel.Tables.ToArray(),
            baseModel.Steps.ToArray(), baseModel.Offsets.ToArray(), name: "max-thresholds");
        int rows = 130;
        var x = new float[rows * d];
        for (int i = 0; i < x.Length; i++) x[i] = Specials[rng.Next(Specials.Length)];
        return new MatrixCase("max-thresholds", model, x, 23);
    }
}
