using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using KernelCompiler.Training;

namespace KernelCompiler.Cli.Commands
{
    /// <summary>
    /// <c>kernelc sweep</c>: trains one model per C on the user's data (a fixed-seed share of the rows held back), and
    /// reports for each its held-back NMSE (and accuracy with labels), its kernel's speed next to the exact product, and
    /// its size: the table the paper plots, to choose C from. <c>--plot</c> draws it as a PNG.
    /// </summary>
    internal static class SweepCommand
    {
        /// <summary>The largest C tried when --codebooks is not given (larger C trains for minutes on big data).</summary>
        public const int DefaultMaxCodebooks = 64;

        public static Command Create(CliContext context)
        {
            Option<string> input = CommonOptions.Input();
            input.Description = "A: the rows to train and judge on, a 2-D .npy (N × D); a share is held back.";
            Option<string> weights = CommonOptions.Weights();
            Option<string> bias = CommonOptions.Bias();
            Option<string> labels = CommonOptions.Labels("Class labels, one integer per row of A: report held-back accuracy too.");
            var codebooks = new Option<string>("--codebooks", "-c")
            {
                Description = "The C values to try, comma-separated (e.g. 4,8,16,32); default 1, 2, 4, … up to min(D, " + DefaultMaxCodebooks + ").",
                HelpName = "C1,C2,...",
            };
            var validation = new Option<double>("--validation-fraction")
            {
                Description = "The share of the rows held back (fixed-seed permutation) to judge every model on.",
                HelpName = "F",
                DefaultValueFactory = _ => TrainCommand.DefaultValidationFraction,
            };
            var plot = new Option<string>("--plot")
            {
                Description = "Also draw the trade-off (ns/row against accuracy or NMSE) as a PNG file.",
                HelpName = "sweep.png",
            };
            Option<string> backend = CommonOptions.Backend();
            Option<string> exactEngine = ExactBaseline.CreateOption();
            Option<bool> json = CommonOptions.Json();
            var command = new Command("sweep", "Train and measure one model per C on your data (held-back error, speed, size), to choose C.")
            {
                input, weights, bias, labels, codebooks, validation, plot, backend, exactEngine, json,
            };
            command.SetAction(parse =>
            {
                double fraction = parse.GetValue(validation);
                if (!(fraction > 0 && fraction < 1))
                {
                    throw new UsageException("invalid value '" + fraction.ToString(CultureInfo.InvariantCulture) +
                        "' for --validation-fraction; expected a number greater than 0 and less than 1");
                }

                string? plotPath = parse.GetValue(plot);
                if (plotPath is not null && !plotPath.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
                {
                    throw new UsageException("--plot '" + plotPath + "' does not end in .png; the plot is written as a PNG image");
                }

                return Run(context, new Request(parse.GetRequiredValue(input), parse.GetRequiredValue(weights), parse.GetValue(bias),
                    parse.GetValue(labels), ParseList(parse.GetValue(codebooks)), fraction, plotPath, parse.GetRequiredValue(backend),
                    parse.GetRequiredValue(exactEngine), parse.GetValue(json)));
            });
            return command;
        }

        private sealed record Request(string Input, string Weights, string? Bias, string? Labels, int[]? Codebooks, double Fraction,
            string? Plot, string Backend, string ExactEngine, bool Json);

        private sealed record Row(CodebookTrial Trial, string Backend, Spread Kernel, Spread Exact, int TableBytes, int FileBytes);

        private static int[]? ParseList(string? text)
        {
            if (text is null) return null;
            var values = new List<int>();
            foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
            {
                if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int c) || c < 1 || c > LutModelLimits.MaxCodebooks)
                {
                    throw new UsageException("invalid value '" + text + "' for --codebooks; expected comma-separated integers from 1 to " +
                        LutModelLimits.MaxCodebooks + " (e.g. 4,8,16,32)");
                }

                values.Add(c);
            }

            return values.Distinct().OrderBy(c => c).ToArray();
        }

        private static int Run(CliContext context, Request request)
        {
            if (request.Plot is not null) DataFiles.CheckOutputDirectory(request.Plot, "--plot");
            Matrix a = DataFiles.ReadMatrix(request.Input, "A: N rows × D columns");
            Matrix b = DataFiles.ReadMatrix(request.Weights, "B: D rows × M columns");
            DataFiles.CheckProduct(a, b);
            DataFiles.CheckHasRows(a);
            if (a.Rows < 2) throw new ArgumentException("the input " + a.Describe() + " has one row; a sweep holds rows back and needs at least two");
            float[] bias = request.Bias is null ? Array.Empty<float>() : DataFiles.ReadBias(request.Bias, b);
            int[] labels = request.Labels is null ? Array.Empty<int>() : DataFiles.ReadLabels(request.Labels, a);
            int[] candidates = request.Codebooks ?? CodebookSearch.DefaultCandidates(Math.Min(a.Columns, DefaultMaxCodebooks)).ToArray();
            int tooMany = candidates.FirstOrDefault(c => c > a.Columns);
            if (tooMany > 0)
            {
                throw new UsageException("--codebooks " + tooMany + " is more than the " + a.Columns + " columns of " + a.Describe() +
                    "; each codebook needs at least one column of its own");
            }

            var search = new CodebookSearch(a.Values, a.Rows, b.Values, b.Columns, bias, labels, request.Fraction);
            float[] held = search.ValidationInput.ToArray();
            int n = search.ValidationRows, m = b.Columns;
            var exactOut = new float[n * m];
            ExactBaseline baseline = ExactBaseline.Resolve(request.ExactEngine, b.Values, b.Rows, m, n,
                multiply => multiply(held, n, false, exactOut), context.CancellationToken);
            double? exactAccuracy = null;
            if (labels.Length > 0)
            {
                // The exact product's own accuracy on the same held-back rows: the ceiling every C is read against.
                double[] exact = ExactProduct.InDouble(new Matrix(a.Path, held, n, a.Columns), b, bias);
                exactAccuracy = Metrics.Accuracy<double>(exact, m, search.ValidationLabels);
            }

            var template = new MaddnessTrainerOptions { Name = "sweep", Producer = ToolVersion.Producer };
            var rows = new List<Row>();
            TrainingProgressDisplay.Run(context, progress =>
            {
                foreach (int c in candidates)
                {
                    context.CancellationToken.ThrowIfCancellationRequested();
                    IProgress<TrainingProgress>? inner = progress is null ? null : new Prefixed(progress, "C = " + c + ": ");
                    CodebookTrial trial = search.Evaluate(c, template, inner, context.CancellationToken);
                    LutKernel kernel = KernelBackends.Create(request.Backend, trial.Model);
                    var y = new float[n * m];
                    (Spread kernelNs, Spread exactNs) = Timing.NanosecondsPerRow(() => kernel.Multiply(held, y),
                        () => ExactProduct.WithBias(baseline.Multiply, held, n, m, bias, exactOut), n, context.CancellationToken);
                    rows.Add(new Row(trial, kernel.Backend, kernelNs, exactNs, trial.Model.Tables.Length,
                        Encoding.UTF8.GetByteCount(trial.Model.ToJson())));
                }

                return rows;
            });

            if (request.Plot is not null)
            {
                double exactMedian = rows.Select(r => r.Exact.Median).OrderBy(v => v).ElementAt(rows.Count / 2);
                SweepPlot.Draw(request.Plot, request.Input + ": speed against " + (labels.Length > 0 ? "accuracy" : "error") +
                    " by codebook count C", rows.Select(r => new SweepPlot.Point(r.Trial.Codebooks, r.Kernel.Median, r.Trial.ValidationNmse,
                    r.Trial.ValidationAccuracy)).ToArray(), exactMedian, exactAccuracy, baseline.Engine.Name, n);
            }

            if (request.Json) WriteJson(context.Output, request, search, rows, baseline, exactAccuracy);
            else WriteHuman(context.Output, request, search, rows, baseline, exactAccuracy);
            return ExitCodes.Success;
        }

        private sealed class Prefixed : IProgress<TrainingProgress>
        {
            private readonly IProgress<TrainingProgress> _inner;
            private readonly string _prefix;

            public Prefixed(IProgress<TrainingProgress> inner, string prefix)
            {
                _inner = inner;
                _prefix = prefix;
            }

            public void Report(TrainingProgress value) => _inner.Report(value with { Stage = _prefix + value.Stage });
        }

        private static void WriteHuman(TextWriter o, Request request, CodebookSearch search, List<Row> rows, ExactBaseline baseline,
            double? exactAccuracy)
        {
            bool labelled = rows.Count > 0 && rows[0].Trial.ValidationAccuracy is not null;
            o.WriteLine("data      " + request.Input + ": trained on " + search.TrainingRows + " rows, judged on " + search.ValidationRows +
                " held-back rows (D = " + search.InputDimension + ", M = " + search.OutputDimension + ")");
            o.WriteLine("exact     " + baseline.Description + (exactAccuracy is double ea ? "; accuracy " + Percent(ea) : ""));
            o.WriteLine();
            o.WriteLine("    C  held-back NMSE" + (labelled ? "  accuracy" : "") + "  train NMSE   kernel ns/row   exact ns/row  speedup   tables   model file");
            foreach (Row r in rows)
            {
                CodebookTrial t = r.Trial;
                o.WriteLine(t.Codebooks.ToString().PadLeft(5) + "  " + t.ValidationNmse.ToString("G4").PadLeft(14) +
                    (labelled ? Percent(t.ValidationAccuracy!.Value).PadLeft(10) : "") + "  " + t.TrainingNmse.ToString("G4").PadLeft(10) +
                    r.Kernel.Median.ToString("F1").PadLeft(16) + r.Exact.Median.ToString("F1").PadLeft(15) +
                    (r.Exact.Median / r.Kernel.Median).ToString("F2").PadLeft(8) + "×" + Bytes(r.TableBytes).PadLeft(9) + Bytes(r.FileBytes).PadLeft(13));
            }

            o.WriteLine();
            o.WriteLine("kernel: " + (rows.Count > 0 ? rows[0].Backend : request.Backend) + " backend, row-major Multiply on the held-back rows; times are medians of " +
                Timing.Runs + " alternating runs. The model file includes prototypes where the trainer stores them.");
            if (request.Plot is not null) o.WriteLine("plot:   " + request.Plot);
            o.WriteLine("next:   kernelc train ... " + (labelled ? "--labels y.npy --target-accuracy A" : "--max-nmse E") +
                " picks the smallest C that meets a target, or kernelc train ... --codebooks C");
        }

        private static void WriteJson(TextWriter output, Request request, CodebookSearch search, List<Row> rows, ExactBaseline baseline,
            double? exactAccuracy)
        {
            using var stream = new MemoryStream();
            using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                json.WriteStartObject();
                json.WriteString("input", request.Input);
                json.WriteNumber("trainingRows", search.TrainingRows);
                json.WriteNumber("validationRows", search.ValidationRows);
                json.WriteNumber("inputDimension", search.InputDimension);
                json.WriteNumber("outputDimension", search.OutputDimension);
                json.WriteString("exactEngineName", baseline.Engine.Name);
                json.WriteString("exactEngine", baseline.Description);
                if (exactAccuracy is double ea) json.WriteNumber("exactAccuracy", ea);
                if (request.Plot is not null) json.WriteString("plot", request.Plot);
                json.WriteStartArray("results");
                foreach (Row r in rows)
                {
                    CodebookTrial t = r.Trial;
                    json.WriteStartObject();
                    json.WriteNumber("codebooks", t.Codebooks);
                    Number(json, "validationNmse", t.ValidationNmse);
                    Number(json, "trainingNmse", t.TrainingNmse);
                    Number(json, "validationAccuracy", t.ValidationAccuracy);
                    Number(json, "trainingAccuracy", t.TrainingAccuracy);
                    json.WriteString("backend", r.Backend);
                    JsonReports.WriteTimes(json, r.Kernel, r.Exact, baseline.Engine.Name, baseline.Description);
                    json.WriteNumber("tableBytes", r.TableBytes);
                    json.WriteNumber("modelFileBytes", r.FileBytes);
                    json.WriteNumber("trainingSeconds", Math.Round(t.TrainingSeconds, 3));
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
        }

        private static void Number(Utf8JsonWriter json, string name, double? value)
        {
            if (value is double v && double.IsFinite(v)) json.WriteNumber(name, v);
            else json.WriteNull(name);
        }

        private static string Percent(double fraction) => (100 * fraction).ToString("F2") + "%";

        private static string Bytes(int bytes) => bytes < 10_000 ? bytes + " B" : bytes < 10_000_000 ? (bytes / 1024.0).ToString("F0") + " KB" : (bytes / 1048576.0).ToString("F1") + " MB";
    }
}
