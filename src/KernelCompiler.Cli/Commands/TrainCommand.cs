using System;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text.Json;
using KernelCompiler.Training;

namespace KernelCompiler.Cli.Commands
{
    /// <summary>
    /// <c>kernelc train</c>: learns a MADDNESS model that approximates A · B (+ bias) from training rows A and the
    /// fixed matrix B, and writes it atomically as a model file. With a target (<c>--target-accuracy</c> and labels, or
    /// <c>--max-nmse</c>) it holds back part of the rows and picks the smallest C that meets the target on them
    /// (<see cref="CodebookSearch"/>); it always reports the error on the rows it trained on and, when rows were held
    /// back, on those.
    /// </summary>
    internal static class TrainCommand
    {
        /// <summary>The share of rows held back when a target is given and --validation-fraction is not.</summary>
        public const double DefaultValidationFraction = 0.2;

        public static Command Create(CliContext context)
        {
            var defaults = new MaddnessTrainerOptions();
            Option<string> input = CommonOptions.Input();
            input.Description = "A: the training rows, a 2-D .npy (N × D).";
            Option<string> weights = CommonOptions.Weights();
            Option<string> bias = CommonOptions.Bias();
            Option<int> codebooks = CommonOptions.Integer("--codebooks", 1, LutModelLimits.MaxCodebooks, "-c");
            codebooks.Description = "C: the number of codebooks (hash trees), 1 to " + LutModelLimits.MaxCodebooks +
                ". More is more accurate and slower; each reads 4 of the D columns. Give C, or a target for kernelc to choose it.";
            codebooks.HelpName = "C";
            Option<string> labels = CommonOptions.Labels(
                "Class labels, one integer per row of A: report argmax accuracy (and allow --target-accuracy).");
            var targetAccuracy = new Option<string>("--target-accuracy")
            {
                Description = "Choose the smallest C whose accuracy on the held-back rows is at least A (0.95 or 95%); needs --labels.",
                HelpName = "A",
            };
            Option<double> maxNmse = CommonOptions.PositiveReal("--max-nmse");
            maxNmse.Description = "Choose the smallest C whose NMSE on the held-back rows is at most E (e.g. 0.05).";
            maxNmse.HelpName = "E";
            var validation = new Option<double?>("--validation-fraction")
            {
                Description = "Hold back this share of the rows (chosen by a fixed-seed permutation) to measure the model on; " +
                    "default " + DefaultValidationFraction + " with a target, else none (train on every row).",
                HelpName = "F",
            };
            Option<double> lambda = CommonOptions.PositiveReal("--lambda");
            lambda.Description = "Ridge regularisation λ > 0 of the prototype (and table) refit.";
            lambda.HelpName = "λ";
            lambda.DefaultValueFactory = _ => defaults.RidgeLambda;
            Option<string> fitTables = CommonOptions.OneOf("--fit-tables",
                "Fit the tables to the exact outputs of the training rows, or build them from the prototypes.",
                defaults.TableFitting == TableFitting.Outputs ? "outputs" : "prototypes", "outputs", "prototypes");
            Option<string> aggregation = CommonOptions.OneOf("--aggregation",
                "How table entries are combined: exact integer sums, or the faster, less accurate averaging (C must be 1, 2, 4, 8 or a multiple of 16).",
                defaults.Aggregation == LutAggregation.Average ? "average" : "exact", "exact", "average");
            var name = new Option<string>("--name")
            {
                Description = "The model's name (default: the output file name without .lut.json).",
                HelpName = "name",
            };
            Option<string> output = CommonOptions.ModelOutput("Where to write the model (*.lut.json), atomically.");
            Option<bool> json = CommonOptions.Json();

            var command = new Command("train", "Train a model that approximates A · B (+ bias) for a fixed B; give C, or a target and let kernelc choose C.")
            {
                input, weights, bias, codebooks, labels, targetAccuracy, maxNmse, validation, lambda, fitTables, aggregation, name, output, json,
            };
            var prototypes = new Option<bool>("--prototypes")
            {
                Description = "Store the prototypes (C × 16 × D floats) so the tables can be rebuilt for another B; " +
                    "kernels never read them, and they are most of the file.",
            };
            command.Options.Add(prototypes);
            command.SetAction(parse =>
            {
                string outputPath = parse.GetRequiredValue(output);
                CodebookTarget? target = Target(parse.GetValue(targetAccuracy), parse.GetResult(maxNmse) is null ? null : parse.GetValue(maxNmse));
                int? c = parse.GetResult(codebooks) is null ? null : parse.GetValue(codebooks);
                if (target is null && c is null)
                {
                    throw new UsageException("give --codebooks C, or a target for kernelc to choose C: --target-accuracy A with --labels, or --max-nmse E");
                }

                if (target is not null && c is not null)
                {
                    throw new UsageException("--codebooks and a target exclude each other: kernelc chooses C when given a target");
                }

                if (target?.MinAccuracy is not null && parse.GetValue(labels) is null)
                {
                    throw new UsageException("--target-accuracy needs --labels y.npy (or use --max-nmse, which needs no labels)");
                }

                double? fraction = parse.GetValue(validation);
                if (fraction is double f && !(f > 0 && f < 1))
                {
                    throw new UsageException("invalid value '" + f.ToString(CultureInfo.InvariantCulture) +
                        "' for --validation-fraction; expected a number greater than 0 and less than 1");
                }

                if (target is not null) fraction ??= DefaultValidationFraction;
                if (target is not null && parse.GetValue(aggregation) == "average")
                {
                    throw new UsageException("a target searches every C, but --aggregation average allows only 1, 2, 4, 8 and multiples of 16; " +
                        "choose C with the default exact aggregation, or give --codebooks");
                }

                if (parse.GetValue(aggregation) == "average" && c is int fixedC && !AverageAllows(fixedC))
                {
                    throw new UsageException("--aggregation average needs --codebooks 1, 2, 4, 8 or a multiple of 16");
                }

                string? modelName = parse.GetValue(name);
                if (modelName is not null && (modelName.Length == 0 || modelName.Length > LutModelLimits.MaxNameLength))
                {
                    throw new UsageException("--name must have 1 to " + LutModelLimits.MaxNameLength + " characters");
                }

                var options = new MaddnessTrainerOptions
                {
                    Codebooks = c ?? 1,
                    RidgeLambda = parse.GetValue(lambda),
                    TableFitting = parse.GetValue(fitTables) == "outputs" ? TableFitting.Outputs : TableFitting.Prototypes,
                    Aggregation = parse.GetValue(aggregation) == "average" ? LutAggregation.Average : LutAggregation.Exact,
                    Name = modelName ?? DefaultName(outputPath),
                    Producer = ToolVersion.Producer,
                    IncludePrototypes = parse.GetValue(prototypes),
                };
                return Run(context, new Request(parse.GetRequiredValue(input), parse.GetRequiredValue(weights), parse.GetValue(bias),
                    parse.GetValue(labels), options, target, fraction, outputPath, parse.GetValue(json)));
            });
            return command;
        }

        private sealed record Request(string Input, string Weights, string? Bias, string? Labels, MaddnessTrainerOptions Options,
            CodebookTarget? Target, double? ValidationFraction, string Output, bool Json);

        /// <summary>What training produced: the model, its errors and, with a target, the search.</summary>
        private sealed record Outcome(LutModel Model, int TrainingRows, int ValidationRows, double TrainingNmse, double? ValidationNmse,
            double? TrainingAccuracy, double? ValidationAccuracy, CodebookSearchResult? Search);

        private static CodebookTarget? Target(string? accuracy, double? nmse)
        {
            if (accuracy is not null && nmse is not null)
            {
                throw new UsageException("give one target: --target-accuracy or --max-nmse, not both");
            }

            if (nmse is double e) return CodebookTarget.Nmse(e);
            if (accuracy is null) return null;
            string text = accuracy.Trim();
            bool percent = text.EndsWith('%');
            if (!double.TryParse(percent ? text[..^1] : text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ||
                !double.IsFinite(value))
            {
                throw new UsageException("invalid value '" + accuracy + "' for --target-accuracy; expected a fraction such as 0.95 or a percentage such as 95%");
            }

            double fraction = percent ? value / 100 : value;
            if (!(fraction > 0 && fraction <= 1))
            {
                throw new UsageException("invalid value '" + accuracy + "' for --target-accuracy; expected a fraction in (0, 1] (e.g. 0.95) or a percentage up to 100%" +
                    (!percent && value > 1 && value <= 100 ? " (did you mean " + value.ToString(CultureInfo.InvariantCulture) + "%?)" : ""));
            }

            return CodebookTarget.Accuracy(fraction);
        }

        private static int Run(CliContext context, Request request)
        {
            DataFiles.CheckOutputDirectory(request.Output, "--output");
            Matrix a = DataFiles.ReadMatrix(request.Input, "A: N rows × D columns");
            Matrix b = DataFiles.ReadMatrix(request.Weights, "B: D rows × M columns");
            DataFiles.CheckProduct(a, b);
            DataFiles.CheckHasRows(a);
            MaddnessTrainerOptions options = request.Options;
            if (request.Target is null && options.Codebooks > a.Columns)
            {
                throw new UsageException("--codebooks " + options.Codebooks + " is more than the " + a.Columns + " columns of " +
                    a.Describe() + "; each codebook needs at least one column of its own");
            }

            float[] bias = request.Bias is null ? Array.Empty<float>() : DataFiles.ReadBias(request.Bias, b);
            int[] labels = request.Labels is null ? Array.Empty<int>() : DataFiles.ReadLabels(request.Labels, a);
            if (request.ValidationFraction is not null && a.Rows < 2)
            {
                throw new ArgumentException("the input " + a.Describe() + " has one row; holding rows back needs at least two");
            }

            long start = Stopwatch.GetTimestamp();
            Outcome outcome;
            try
            {
                outcome = TrainingProgressDisplay.Run(context, progress => Train(context, a, b, bias, labels, request, progress));
            }
            catch (ArgumentException e) when (e.ParamName is "a" or "weights" or "bias")
            {
                // The trainer names its parameter; the user knows the file.
                string file = e.ParamName switch { "a" => a.Path, "weights" => b.Path, _ => request.Bias ?? "bias" };
                throw new ArgumentException(file + ": " + e.Message.Replace(" (Parameter '" + e.ParamName + "')", ""), e);
            }
            catch (ArgumentException e) when (e.ParamName == "options")
            {
                // Option combinations the command line does not check itself (e.g. too many prototype values).
                throw new UsageException(e.Message.Replace(" (Parameter 'options')", ""));
            }

            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            context.CancellationToken.ThrowIfCancellationRequested();
            if (outcome.Search is { Chosen: null } failed)
            {
                // Nothing met the target: say so and write nothing, rather than a model that misses it.
                throw new InvalidDataException(failed.Explanation + "; no model was written");
            }

            LutModel model = outcome.Model;
            model.Save(request.Output);
            if (request.Json) WriteJson(context.Output, request, outcome, seconds);
            else WriteHuman(context.Output, request, outcome, seconds);
            return ExitCodes.Success;
        }

        private static Outcome Train(CliContext context, Matrix a, Matrix b, float[] bias, int[] labels, Request request,
            IProgress<TrainingProgress>? progress)
        {
            MaddnessTrainerOptions options = request.Options;
            if (request.ValidationFraction is double fraction)
            {
                var search = new CodebookSearch(a.Values, a.Rows, b.Values, b.Columns, bias, labels, fraction);
                if (request.Target is CodebookTarget target)
                {
                    IProgress<CodebookSearchProgress>? searchProgress = progress is null ? null : new SearchProgress(progress);
                    CodebookSearchResult result = search.FindSmallest(target, options, searchProgress, context.CancellationToken);
                    CodebookTrial chosen = result.Chosen ?? result.Trials[^1];
                    return new Outcome(chosen.Model, search.TrainingRows, search.ValidationRows, chosen.TrainingNmse, chosen.ValidationNmse,
                        chosen.TrainingAccuracy, chosen.ValidationAccuracy, result);
                }

                CodebookTrial trial = search.Evaluate(options.Codebooks, options, progress, context.CancellationToken);
                return new Outcome(trial.Model, search.TrainingRows, search.ValidationRows, trial.TrainingNmse, trial.ValidationNmse,
                    trial.TrainingAccuracy, trial.ValidationAccuracy, null);
            }

            LutModel model = MaddnessTrainer.Train(a.Values, a.Rows, b.Values, b.Columns, bias, options, progress, context.CancellationToken);
            context.CancellationToken.ThrowIfCancellationRequested();
            var approximate = new float[(long)a.Rows * b.Columns];
            LutKernel.CreateGeneric(model).Multiply(a.Values, approximate);
            double[] exact = ExactProduct.InDouble(a, b, bias);
            double nmse = Metrics.NormalizedMeanSquaredError(exact, approximate) ?? double.NaN;
            double? accuracy = labels.Length > 0 ? Metrics.Accuracy<float>(approximate, b.Columns, labels) : null;
            return new Outcome(model, a.Rows, 0, nmse, null, accuracy, null, null);
        }

        // The search's progress as the trainer's stages, prefixed with the C being tried, for the progress bars.
        private sealed class SearchProgress : IProgress<CodebookSearchProgress>
        {
            private readonly IProgress<TrainingProgress> _inner;

            public SearchProgress(IProgress<TrainingProgress> inner) => _inner = inner;

            public void Report(CodebookSearchProgress value)
            {
                if (value.Training is TrainingProgress t)
                {
                    _inner.Report(t with { Stage = "C = " + value.Codebooks + ": " + t.Stage });
                }
            }
        }

        private static void WriteHuman(TextWriter o, Request request, Outcome r, double seconds)
        {
            LutModel model = r.Model;
            o.WriteLine("wrote " + request.Output + ": '" + model.Name + "', D = " + model.InputDimension + ", M = " +
                model.OutputDimension + ", C = " + model.Codebooks + ", " + AggregationName(model) + " aggregation, trained on " +
                r.TrainingRows + " rows in " + seconds.ToString("F2") + " s");
            if (r.Search is CodebookSearchResult search)
            {
                o.WriteLine("chose     " + search.Explanation);
                foreach (CodebookTrial t in search.Trials)
                {
                    o.WriteLine("  C = " + t.Codebooks.ToString().PadLeft(3) + "   held-back NMSE " + t.ValidationNmse.ToString("G4").PadRight(10) +
                        (t.ValidationAccuracy is double acc ? " accuracy " + Percent(acc) : ""));
                }
            }

            o.WriteLine("training  NMSE " + r.TrainingNmse.ToString("G6") + (r.TrainingAccuracy is double ta ? ", accuracy " + Percent(ta) : "") +
                " on the " + r.TrainingRows + " rows trained on");
            o.WriteLine(r.ValidationNmse is double vn
                ? "validation NMSE " + vn.ToString("G6") + (r.ValidationAccuracy is double va ? ", accuracy " + Percent(va) : "") + " on " +
                    r.ValidationRows + " held-back rows"
                : "validation none (every row was trained on; --validation-fraction F holds rows back)");
        }

        private static void WriteJson(TextWriter output, Request request, Outcome r, double seconds)
        {
            LutModel model = r.Model;
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                writer.WriteStartObject();
                writer.WriteString("model", request.Output);
                writer.WriteString("name", model.Name);
                writer.WriteString("producer", model.Producer);
                writer.WriteNumber("rows", r.TrainingRows);
                writer.WriteNumber("validationRows", r.ValidationRows);
                writer.WriteNumber("inputDimension", model.InputDimension);
                writer.WriteNumber("outputDimension", model.OutputDimension);
                writer.WriteNumber("codebooks", model.Codebooks);
                writer.WriteString("aggregation", AggregationName(model));
                writer.WriteString("sha256", model.ComputeSha256());
                writer.WriteNumber("seconds", Math.Round(seconds, 3));
                Number(writer, "trainingNmse", r.TrainingNmse);
                Number(writer, "trainingAccuracy", r.TrainingAccuracy);
                Number(writer, "validationNmse", r.ValidationNmse);
                Number(writer, "validationAccuracy", r.ValidationAccuracy);
                if (r.Search is CodebookSearchResult search)
                {
                    writer.WriteString("target", request.Target?.ToString());
                    writer.WriteString("choice", search.Explanation);
                    writer.WriteStartArray("trials");
                    foreach (CodebookTrial t in search.Trials)
                    {
                        writer.WriteStartObject();
                        writer.WriteNumber("codebooks", t.Codebooks);
                        Number(writer, "trainingNmse", t.TrainingNmse);
                        Number(writer, "validationNmse", t.ValidationNmse);
                        Number(writer, "trainingAccuracy", t.TrainingAccuracy);
                        Number(writer, "validationAccuracy", t.ValidationAccuracy);
                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            }

            output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        }

        // Absent figures (no labels, nothing held back) and non-finite ones are written as null.
        private static void Number(Utf8JsonWriter writer, string name, double? value)
        {
            if (value is double v && double.IsFinite(v)) writer.WriteNumber(name, v);
            else writer.WriteNull(name);
        }

        private static string Percent(double fraction) => (100 * fraction).ToString("F2") + "%";

        private static string AggregationName(LutModel model) => model.Aggregation == LutAggregation.Exact ? "exact" : "average";

        private static bool AverageAllows(int codebooks) => codebooks is 1 or 2 or 4 or 8 || (codebooks > 0 && codebooks % 16 == 0);

        private static string DefaultName(string outputPath)
        {
            string file = Path.GetFileName(outputPath);
            foreach (string suffix in new[] { ".lut.json", ".json" })
            {
                if (file.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
                {
                    file = file.Substring(0, file.Length - suffix.Length);
                    break;
                }
            }

            return file.Length == 0 ? new MaddnessTrainerOptions().Name : file;
        }
    }
}
