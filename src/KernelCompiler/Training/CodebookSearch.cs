using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;

namespace KernelCompiler.Training
{
    /// <summary>
    /// Chooses C, the codebook count, on the user's own data. The training rows are split once, deterministically
    /// (a permutation with a fixed seed), into a part models are trained on and a held-back part they are
    /// judged on; <see cref="Evaluate"/> trains one C and measures it on both parts, and <see cref="FindSmallest"/>
    /// finds the smallest C whose held-back accuracy or NMSE meets a target. Errors are measured against the exact
    /// A · B (+ bias) in double precision; accuracy is the argmax of the approximate outputs against the labels.
    /// </summary>
    public sealed class CodebookSearch
    {
        private readonly Part _training;
        private readonly Part _validation;
        private readonly float[] _weights;
        private readonly float[] _bias;

        /// <summary>Splits the rows for a search.</summary>
        /// <param name="a">Training rows, <paramref name="rows"/> × D row-major.</param>
        /// <param name="rows">N, the number of rows (at least 2).</param>
        /// <param name="weights">B, D × <paramref name="outputs"/> row-major.</param>
        /// <param name="outputs">M, the number of outputs.</param>
        /// <param name="bias">Empty, or <paramref name="outputs"/> values.</param>
        /// <param name="labels">Empty, or one class label per row (then accuracy is measured too).</param>
        /// <param name="validationFraction">The share of the rows held back, greater than 0 and less than 1.</param>
        /// <param name="seed">Seeds the permutation that splits the rows; the same seed gives the same split.</param>
        /// <exception cref="ArgumentException">A length does not fit the shape, or the fraction leaves a part empty.</exception>
        public CodebookSearch(ReadOnlySpan<float> a, int rows, ReadOnlySpan<float> weights, int outputs, ReadOnlySpan<float> bias,
            ReadOnlySpan<int> labels, double validationFraction = 0.2, int seed = 0)
        {
            if (rows < 2) throw new ArgumentOutOfRangeException(nameof(rows), rows, "At least two rows are needed: one to train on, one to hold back.");
            if (outputs < 1) throw new ArgumentOutOfRangeException(nameof(outputs), outputs, "At least one output is needed.");
            if (a.Length == 0 || a.Length % rows != 0)
            {
                throw new ArgumentException("A's length " + a.Length + " is not a whole, non-zero number of values per row for " + rows + " rows.", nameof(a));
            }

            int d = a.Length / rows;
            if (weights.Length != (long)d * outputs)
            {
                throw new ArgumentException("B has " + weights.Length + " values; D × M = " + d + " × " + outputs + " needs " + (d * outputs) + ".", nameof(weights));
            }

            if (!bias.IsEmpty && bias.Length != outputs) throw new ArgumentException("The bias has " + bias.Length + " values; M = " + outputs + ".", nameof(bias));
            if (!labels.IsEmpty && labels.Length != rows) throw new ArgumentException("There are " + labels.Length + " labels for " + rows + " rows.", nameof(labels));
            if (!(validationFraction > 0 && validationFraction < 1))
            {
                throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The held-back share must be greater than 0 and less than 1.");
            }

            int held = (int)Math.Round(rows * validationFraction, MidpointRounding.AwayFromZero);
            held = Math.Clamp(held, 1, rows - 1);
            InputDimension = d;
            OutputDimension = outputs;
            HasLabels = !labels.IsEmpty;
            _weights = weights.ToArray();
            _bias = bias.ToArray();

            // Fisher-Yates with a fixed seed: rows stored by class (as data sets often are) are still mixed.
            int[] order = Enumerable.Range(0, rows).ToArray();
            var rng = new Random(seed);
            for (int i = rows - 1; i > 0; i--)
            {
                int j = rng.Next(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }

            _validation = Gather(a, d, labels, order.AsSpan(0, held));
            _training = Gather(a, d, labels, order.AsSpan(held));
        }

        /// <summary>D, the input dimension.</summary>
        public int InputDimension { get; }

        /// <summary>M, the number of outputs.</summary>
        public int OutputDimension { get; }

        /// <summary>True when labels were given, so accuracies are measured.</summary>
        public bool HasLabels { get; }

        /// <summary>How many rows models are trained on.</summary>
        public int TrainingRows => _training.Rows;

        /// <summary>How many rows are held back to judge them.</summary>
        public int ValidationRows => _validation.Rows;

        /// <summary>The held-back rows, row-major (what a caller times a kernel on).</summary>
        public ReadOnlySpan<float> ValidationInput => _validation.A;

        /// <summary>The labels of the held-back rows, in <see cref="ValidationInput"/>'s order; empty without labels.</summary>
        public ReadOnlySpan<int> ValidationLabels => _validation.Labels;

        /// <summary>The codebook counts a sweep tries by default: 1, 2, 4, … up to min(D, 256).</summary>
        public static IReadOnlyList<int> DefaultCandidates(int inputDimension)
        {
            var list = new List<int>();
            for (int c = 1; c <= Math.Min(inputDimension, LutModelLimits.MaxCodebooks); c *= 2) list.Add(c);
            return list;
        }

        /// <summary>Trains a model with <paramref name="codebooks"/> codebooks on the training part and measures it on
        /// both parts.</summary>
        /// <param name="codebooks">C, 1 to min(D, 256).</param>
        /// <param name="template">Every other trainer option (λ, table fitting, aggregation, name); its codebook count is ignored.</param>
        /// <param name="progress">Told the trainer's progress.</param>
        /// <param name="cancellationToken">Stops training.</param>
        /// <exception cref="ArgumentException">The trainer refused the options (e.g. C larger than D).</exception>
        /// <exception cref="OperationCanceledException">Cancelled.</exception>
        public CodebookTrial Evaluate(int codebooks, MaddnessTrainerOptions? template = null, IProgress<TrainingProgress>? progress = null,
            CancellationToken cancellationToken = default)
        {
            MaddnessTrainerOptions options = Copy(template ?? new MaddnessTrainerOptions(), codebooks);
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            LutModel model = MaddnessTrainer.Train(_training.A, _training.Rows, _weights, OutputDimension, _bias, options, progress, cancellationToken);
            double seconds = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
            cancellationToken.ThrowIfCancellationRequested();
            // The generic kernel needs no dynamic code and computes the same outputs bit for bit as every other.
            LutKernel kernel = LutKernel.CreateGeneric(model);
            (double trainingNmse, double? trainingAccuracy) = Measure(kernel, _training);
            (double validationNmse, double? validationAccuracy) = Measure(kernel, _validation);
            return new CodebookTrial(codebooks, model, trainingNmse, validationNmse, trainingAccuracy, validationAccuracy, seconds);
        }

        /// <summary>
        /// The smallest C that meets <paramref name="target"/> on the held-back rows: C = 1, 2, 4, … (up to min(D, 256))
        /// until one meets it, then a bisection between the last C that missed and the first that met it. The
        /// bisection assumes the error does not grow with C, which holds on every data set measured here; the trials
        /// say what was measured, so a reader can check.
        /// </summary>
        /// <param name="target">The accuracy to reach (needs labels) or the NMSE to stay under.</param>
        /// <param name="template">Every other trainer option.</param>
        /// <param name="progress">Told when each candidate starts.</param>
        /// <param name="cancellationToken">Stops the search (and the training under way).</param>
        /// <exception cref="ArgumentException">An accuracy target without labels.</exception>
        /// <exception cref="OperationCanceledException">Cancelled.</exception>
        public CodebookSearchResult FindSmallest(CodebookTarget target, MaddnessTrainerOptions? template = null,
            IProgress<CodebookSearchProgress>? progress = null, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(target);
            if (target.MinAccuracy is not null && !HasLabels)
            {
                throw new ArgumentException("An accuracy target needs labels; give a maximum NMSE instead.", nameof(target));
            }

            var trials = new SortedDictionary<int, CodebookTrial>();
            CodebookTrial Try(int c)
            {
                if (!trials.TryGetValue(c, out CodebookTrial? trial))
                {
                    IProgress<TrainingProgress>? inner = progress is null ? null : new Forward(progress, c, trials.Count + 1);
                    progress?.Report(new CodebookSearchProgress(c, trials.Count + 1, null));
                    trial = Evaluate(c, template, inner, cancellationToken);
                    trials.Add(c, trial);
                }

                return trial;
            }

            int missed = 0;
            CodebookTrial? met = null;
            foreach (int c in DefaultCandidates(InputDimension).Append(Math.Min(InputDimension, LutModelLimits.MaxCodebooks)).Distinct())
            {
                if (target.IsMetBy(Try(c)))
                {
                    met = trials[c];
                    break;
                }

                missed = c;
            }

            if (met is null)
            {
                CodebookTrial best = target.MinAccuracy is not null
                    ? trials.Values.OrderByDescending(t => t.ValidationAccuracy).ThenBy(t => t.Codebooks).First()
                    : trials.Values.OrderBy(t => t.ValidationNmse).ThenBy(t => t.Codebooks).First();
                return new CodebookSearchResult(null, trials.Values.ToArray(), "no C up to " + trials.Keys.Max() + " meets " +
                    target + " on the " + ValidationRows + " held-back rows; the closest was C = " + best.Codebooks + " with " +
                    target.Describe(best));
            }

            // Bisection between the last miss and the first hit.
            int low = missed, high = met.Codebooks;
            while (high - low > 1)
            {
                int mid = low + (high - low) / 2;
                if (target.IsMetBy(Try(mid))) high = mid;
                else low = mid;
            }

            CodebookTrial chosen = trials[high];
            string why = "C = " + high + " is the smallest that meets " + target + " on the " + ValidationRows + " held-back rows (" +
                target.Describe(chosen) + ")" + (low >= 1 ? "; C = " + low + " gave " + target.Describe(trials[low]) : "");
            return new CodebookSearchResult(chosen, trials.Values.ToArray(), why);
        }

        private (double Nmse, double? Accuracy) Measure(LutKernel kernel, Part part)
        {
            int m = OutputDimension, d = InputDimension;
            var approximate = new float[part.Rows * m];
            kernel.Multiply(part.A, approximate);
            double error = 0, norm = 0;
            int correct = 0;
            var exact = new double[m];
            for (int r = 0; r < part.Rows; r++)
            {
                for (int j = 0; j < m; j++) exact[j] = _bias.Length == 0 ? 0 : _bias[j];
                for (int k = 0; k < d; k++)
                {
                    double x = part.A[r * d + k];
                    if (x == 0) continue;
                    for (int j = 0; j < m; j++) exact[j] += x * _weights[k * m + j];
                }

                int best = 0;
                for (int j = 0; j < m; j++)
                {
                    double diff = exact[j] - approximate[r * m + j];
                    error += diff * diff;
                    norm += exact[j] * exact[j];
                    if (approximate[r * m + j] > approximate[r * m + best]) best = j;
                }

                if (part.Labels.Length > 0 && best == part.Labels[r]) correct++;
            }

            double nmse = norm == 0 ? (error == 0 ? 0 : double.PositiveInfinity) : error / norm;
            return (nmse, part.Labels.Length > 0 ? (double)correct / part.Rows : null);
        }

        private static MaddnessTrainerOptions Copy(MaddnessTrainerOptions t, int codebooks) => new()
        {
            Codebooks = codebooks,
            RidgeLambda = t.RidgeLambda,
            TableFitting = t.TableFitting,
            Aggregation = t.Aggregation,
            IncludePrototypes = t.IncludePrototypes,
            Name = t.Name,
            Producer = t.Producer,
        };

        private static Part Gather(ReadOnlySpan<float> a, int d, ReadOnlySpan<int> labels, ReadOnlySpan<int> rows)
        {
            var values = new float[rows.Length * d];
            var picked = new int[labels.IsEmpty ? 0 : rows.Length];
            for (int i = 0; i < rows.Length; i++)
            {
                a.Slice(rows[i] * d, d).CopyTo(values.AsSpan(i * d, d));
                if (!labels.IsEmpty) picked[i] = labels[rows[i]];
            }

            return new Part(values, rows.Length, picked);
        }

        private sealed record Part(float[] A, int Rows, int[] Labels);

        private sealed class Forward : IProgress<TrainingProgress>
        {
            private readonly IProgress<CodebookSearchProgress> _outer;
            private readonly int _codebooks, _trial;

            public Forward(IProgress<CodebookSearchProgress> outer, int codebooks, int trial)
            {
                _outer = outer;
                _codebooks = codebooks;
                _trial = trial;
            }

            public void Report(TrainingProgress value) => _outer.Report(new CodebookSearchProgress(_codebooks, _trial, value));
        }
    }

    /// <summary>What <see cref="CodebookSearch.FindSmallest"/> aims for: a minimum accuracy on the held-back rows (needs
    /// labels) or a maximum NMSE (‖Y − Ŷ‖² / ‖Y‖² against the exact product).</summary>
    public sealed class CodebookTarget
    {
        private CodebookTarget(double? minAccuracy, double? maxNmse)
        {
            MinAccuracy = minAccuracy;
            MaxNmse = maxNmse;
        }

        /// <summary>The accuracy to reach, a fraction in (0, 1]; null for an NMSE target.</summary>
        public double? MinAccuracy { get; }

        /// <summary>The NMSE to stay at or under; null for an accuracy target.</summary>
        public double? MaxNmse { get; }

        /// <summary>Held-back accuracy at least <paramref name="fraction"/> (e.g. 0.95).</summary>
        public static CodebookTarget Accuracy(double fraction)
        {
            if (!(fraction > 0 && fraction <= 1)) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "An accuracy is a fraction in (0, 1].");
            return new CodebookTarget(fraction, null);
        }

        /// <summary>Held-back NMSE at most <paramref name="nmse"/> (e.g. 0.05).</summary>
        public static CodebookTarget Nmse(double nmse)
        {
            if (!(nmse > 0 && double.IsFinite(nmse))) throw new ArgumentOutOfRangeException(nameof(nmse), nmse, "An NMSE target is a finite number greater than 0.");
            return new CodebookTarget(null, nmse);
        }

        /// <summary>True when <paramref name="trial"/>'s held-back figure meets the target.</summary>
        public bool IsMetBy(CodebookTrial trial)
        {
            ArgumentNullException.ThrowIfNull(trial);
            return MinAccuracy is double a ? trial.ValidationAccuracy >= a : trial.ValidationNmse <= MaxNmse!.Value;
        }

        /// <summary>The trial's held-back figure this target looks at, as text.</summary>
        public string Describe(CodebookTrial trial)
        {
            ArgumentNullException.ThrowIfNull(trial);
            return MinAccuracy is not null
                ? "accuracy " + (100 * (trial.ValidationAccuracy ?? 0)).ToString("F2", CultureInfo.InvariantCulture) + "%"
                : "NMSE " + trial.ValidationNmse.ToString("G4", CultureInfo.InvariantCulture);
        }

        /// <summary>"accuracy ≥ 95.00%" or "NMSE ≤ 0.05".</summary>
        public override string ToString() => MinAccuracy is double a
            ? "accuracy ≥ " + (100 * a).ToString("F2", CultureInfo.InvariantCulture) + "%"
            : "NMSE ≤ " + MaxNmse!.Value.ToString("G4", CultureInfo.InvariantCulture);
    }

    /// <summary>One C tried: the model trained on the training part and its error on both parts.</summary>
    /// <param name="Codebooks">C.</param>
    /// <param name="Model">The model, trained on the training part only.</param>
    /// <param name="TrainingNmse">NMSE on the rows it was trained on.</param>
    /// <param name="ValidationNmse">NMSE on the held-back rows.</param>
    /// <param name="TrainingAccuracy">Argmax accuracy on the training rows; null without labels.</param>
    /// <param name="ValidationAccuracy">Argmax accuracy on the held-back rows; null without labels.</param>
    /// <param name="TrainingSeconds">How long training took.</param>
    public sealed record CodebookTrial(int Codebooks, LutModel Model, double TrainingNmse, double ValidationNmse,
        double? TrainingAccuracy, double? ValidationAccuracy, double TrainingSeconds);

    /// <summary>What <see cref="CodebookSearch.FindSmallest"/> found.</summary>
    /// <param name="Chosen">The smallest C that met the target, or null when none did.</param>
    /// <param name="Trials">Every C tried, in increasing order.</param>
    /// <param name="Explanation">One sentence: what was chosen and why, or why nothing was.</param>
    public sealed record CodebookSearchResult(CodebookTrial? Chosen, IReadOnlyList<CodebookTrial> Trials, string Explanation);

    /// <summary>Progress of a search: the <paramref name="Trial"/>-th candidate, C = <paramref name="Codebooks"/>, and its
    /// training's progress (null when the candidate starts).</summary>
    /// <param name="Codebooks">The C being trained.</param>
    /// <param name="Trial">1 for the first candidate, and so on.</param>
    /// <param name="Training">The trainer's own progress, or null at the start of a candidate.</param>
    public readonly record struct CodebookSearchProgress(int Codebooks, int Trial, TrainingProgress? Training);
}
