using System;
using System.CommandLine;
using System.IO;
using System.Text.Json;

namespace KernelCompiler.Cli.Commands
{
    /// <summary>
    /// <c>kernelc eval</c>: how close a model comes to the exact A · B (+ bias), in NMSE and, given labels, argmax
    /// accuracy; and how fast its kernel runs next to an exact dense product on the same rows.
    /// </summary>
    internal static class EvalCommand
    {
        public static Command Create(CliContext context)
        {
            Option<string> model = CommonOptions.Model();
            Option<string> input = CommonOptions.Input();
            Option<string> weights = CommonOptions.Weights();
            weights.Required = false; // a network file needs none; a layer model's Run asks for it
            Option<string> exact = NetworkOptions.Exact();
            Option<string> bias = CommonOptions.Bias();
            Option<string> labels = CommonOptions.Labels(
                "Class labels, one integer per row of A: report the argmax accuracy of approximate and exact outputs.");
            Option<string> backend = CommonOptions.Backend();
            Option<string> exactEngine = ExactBaseline.CreateOption();
            Option<bool> json = CommonOptions.Json();
            var command = new Command("eval", "Measure a model's error, accuracy and speed against the exact product A · B (+ bias).")
            {
                model, input, weights, bias, labels, backend, exactEngine, json, exact,
            };
            command.SetAction(parse => NetworkFiles.LoadNetworkOrNull(parse.GetRequiredValue(model)) is LutNetwork network
                ? NetworkCommands.Eval(context, parse.GetRequiredValue(model), network, parse.GetRequiredValue(input),
                    parse.GetValue(labels), parse.GetValue(exact), parse.GetRequiredValue(backend), parse.GetValue(json))
                : Run(context, new Request(
                    parse.GetRequiredValue(model), parse.GetRequiredValue(input), NetworkOptions.Require(parse.GetValue(weights), "--weights"),
                    parse.GetValue(bias), parse.GetValue(labels), parse.GetRequiredValue(backend), parse.GetRequiredValue(exactEngine),
                    parse.GetValue(json))));
            return command;
        }

        private sealed record Request(string Model, string Input, string Weights, string? Bias, string? Labels, string Backend, string ExactEngine, bool Json);

        private sealed record Report(
            string Model, string Backend, int Rows, int InputDimension, int OutputDimension, int Codebooks, string Aggregation,
            double? Nmse, double? Accuracy, double? ExactAccuracy, Spread Kernel, Spread Exact, string ExactEngine, string ExactEngineName);

        private static int Run(CliContext context, Request request)
        {
            LutModel model = LutModel.Load(request.Model);
            Matrix a = DataFiles.ReadMatrix(request.Input, "A: N rows × D columns");
            Matrix b = DataFiles.ReadMatrix(request.Weights, "B: D rows × M columns");
            DataFiles.CheckProduct(a, b);
            DataFiles.CheckInput(a, model, request.Model);
            DataFiles.CheckWeights(b, model, request.Model);
            DataFiles.CheckHasRows(a);
            float[] bias = request.Bias is null ? Array.Empty<float>() : DataFiles.ReadBias(request.Bias, b);
            int[]? labels = request.Labels is null ? null : DataFiles.ReadLabels(request.Labels, a);
            // A model built for other weights still runs, but its error against these says little: warn, go on.
            if (model.WeightsFingerprint is { } trainedOn && trainedOn != LutModel.ComputeWeightsFingerprint(b.Values, b.Columns, bias))
            {
                context.Error.WriteLine("kernelc: warning: " + request.Model + " was trained for other weights than " +
                    request.Weights + (request.Bias is null ? " (no bias)" : " and " + request.Bias) +
                    ": its weightsFingerprint differs; the comparison below is against B and bias as given.");
            }

            LutKernel kernel = KernelBackends.Create(request.Backend, model);
            CancellationCheck(context);

            int m = b.Columns;
            var approximate = new float[(long)a.Rows * m];
            var exactSingle = new float[approximate.Length];
            ExactBaseline baseline = ExactBaseline.Resolve(request.ExactEngine, b.Values, b.Rows, m, a.Rows,
                multiply => multiply(a.Values, a.Rows, false, exactSingle), context.CancellationToken);
            (Spread kernelNs, Spread exactNs) = Timing.NanosecondsPerRow(
                () => kernel.Multiply(a.Values, approximate),
                () => ExactProduct.WithBias(baseline.Multiply, a.Values, a.Rows, m, bias, exactSingle), a.Rows, context.CancellationToken);

            double[] exact = ExactProduct.InDouble(a, b, bias);
            var report = new Report(
                request.Model, kernel.Backend, a.Rows, model.InputDimension, m, model.Codebooks,
                model.Aggregation == LutAggregation.Exact ? "exact" : "average",
                Metrics.NormalizedMeanSquaredError(exact, approximate),
                labels is null ? null : Metrics.Accuracy<float>(approximate, m, labels),
                labels is null ? null : Metrics.Accuracy<double>(exact, m, labels),
                kernelNs, exactNs, baseline.Description, baseline.Engine.Name);

            if (request.Json)
            {
                WriteJson(context.Output, report);
            }
            else
            {
                WriteHuman(context.Output, report);
            }

            return ExitCodes.Success;
        }

        private static void CancellationCheck(CliContext context) => context.CancellationToken.ThrowIfCancellationRequested();

        private static void WriteJson(TextWriter output, Report r)
        {
            using var stream = new MemoryStream();
            using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                json.WriteStartObject();
                json.WriteString("model", r.Model);
                json.WriteString("backend", r.Backend);
                json.WriteNumber("rows", r.Rows);
                json.WriteNumber("inputDimension", r.InputDimension);
                json.WriteNumber("outputDimension", r.OutputDimension);
                json.WriteNumber("codebooks", r.Codebooks);
                json.WriteString("aggregation", r.Aggregation);
                WriteNullable(json, "nmse", r.Nmse);
                if (r.Accuracy is not null)
                {
                    WriteNullable(json, "accuracy", r.Accuracy);
                    WriteNullable(json, "exactAccuracy", r.ExactAccuracy);
                }

                JsonReports.WriteTimes(json, r.Kernel, r.Exact, r.ExactEngineName, r.ExactEngine);
                json.WriteNumber("timingRuns", Timing.Runs);
                json.WriteEndObject();
            }

            output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        }

        // JSON has no NaN or infinity (NaN inputs make NaN outputs): such a value is written as null.
        private static void WriteNullable(Utf8JsonWriter json, string name, double? value)
        {
            if (value is double v && double.IsFinite(v)) json.WriteNumber(name, v);
            else json.WriteNull(name);
        }

        private static void WriteHuman(TextWriter o, Report r)
        {
            o.WriteLine("model     " + r.Model + " (D = " + r.InputDimension + ", M = " + r.OutputDimension + ", C = " + r.Codebooks +
                ", " + r.Aggregation + " aggregation)");
            o.WriteLine("rows      " + r.Rows);
            o.WriteLine("NMSE      " + (r.Nmse is double nmse ? nmse.ToString("G6") : "undefined (the exact product is all zeros)") +
                "   (‖Y − Ŷ‖² / ‖Y‖² against the exact product)");
            if (r.Accuracy is double accuracy && r.ExactAccuracy is double exactAccuracy)
            {
                o.WriteLine("accuracy  " + Percent(accuracy) + " approximate, " + Percent(exactAccuracy) + " exact");
            }

            o.WriteLine("kernel    " + r.Kernel.Describe("F1") + ", " + r.Backend + " backend, row-major Multiply");
            o.WriteLine("exact     " + r.Exact.Describe("F1") + ", " + r.ExactEngine);
            o.WriteLine("speedup   " + JsonReports.Relative(r.Kernel, r.Exact) + " than exact (medians of " + Timing.Runs + " alternating runs each)");
        }

        private static string Percent(double fraction) => (100 * fraction).ToString("F2") + "%";
    }
}
