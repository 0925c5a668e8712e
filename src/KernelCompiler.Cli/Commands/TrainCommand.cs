using System;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using System.Text.Json;
using KernelCompiler.Training;

namespace KernelCompiler.Cli.Commands
{
    /// <summary>
    /// <c>kernelc train</c>: learns a MADDNESS model that approximates A · B (+ bias) from training rows A and the
    /// fixed matrix B, and writes it atomically as a model file.
    /// </summary>
    internal static class TrainCommand
    {
        public static Command Create(CliContext context)
        {
            var defaults = new MaddnessTrainerOptions();
            Option<string> input = CommonOptions.Input();
            input.Description = "A: the training rows, a 2-D .npy (N × D).";
            Option<string> weights = CommonOptions.Weights();
            Option<string> bias = CommonOptions.Bias();
            Option<int> codebooks = CommonOptions.Integer("--codebooks", 1, LutModelLimits.MaxCodebooks);
            codebooks.Description = "C: the number of codebooks (hash trees), 1 to " + LutModelLimits.MaxCodebooks +
                ". More is more accurate and slower; each reads 4 of the D columns.";
            codebooks.HelpName = "C";
            codebooks.Required = true;
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
            var output = new Option<string>("--output")
            {
                Description = "Where to write the model (*.lut.json), atomically.",
                HelpName = "model.lut.json",
                Required = true,
            };
            Option<bool> json = CommonOptions.Json();

            var command = new Command("train", "Train a model that approximates A · B (+ bias) for a fixed B.")
            {
                input, weights, bias, codebooks, lambda, fitTables, aggregation, name, output, json,
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
                if (parse.GetValue(aggregation) == "average" && !AverageAllows(parse.GetValue(codebooks)))
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
                    Codebooks = parse.GetValue(codebooks),
                    RidgeLambda = parse.GetValue(lambda),
                    TableFitting = parse.GetValue(fitTables) == "outputs" ? TableFitting.Outputs : TableFitting.Prototypes,
                    Aggregation = parse.GetValue(aggregation) == "average" ? LutAggregation.Average : LutAggregation.Exact,
                    Name = modelName ?? DefaultName(outputPath),
                    Producer = ToolVersion.Producer,
                    IncludePrototypes = parse.GetValue(prototypes),
                };
                return Run(context, parse.GetRequiredValue(input), parse.GetRequiredValue(weights), parse.GetValue(bias),
                    options, outputPath, parse.GetValue(json));
            });
            return command;
        }

        private static int Run(CliContext context, string inputPath, string weightsPath, string? biasPath,
            MaddnessTrainerOptions options, string outputPath, bool json)
        {
            Matrix a = DataFiles.ReadMatrix(inputPath, "A: N rows × D columns");
            Matrix b = DataFiles.ReadMatrix(weightsPath, "B: D rows × M columns");
            DataFiles.CheckProduct(a, b);
            DataFiles.CheckHasRows(a);
            if (options.Codebooks > a.Columns)
            {
                throw new UsageException("--codebooks " + options.Codebooks + " is more than the " + a.Columns + " columns of " +
                    a.Describe() + "; each codebook needs at least one column of its own");
            }

            float[] bias = biasPath is null ? Array.Empty<float>() : DataFiles.ReadBias(biasPath, b);

            long start = Stopwatch.GetTimestamp();
            LutModel model;
            try
            {
                model = TrainingProgressDisplay.Run(context, progress => MaddnessTrainer.Train(
                    a.Values, a.Rows, b.Values, b.Columns, bias, options, progress, context.CancellationToken));
            }
            catch (ArgumentException e) when (e.ParamName is "a" or "weights" or "bias")
            {
                // The trainer names its parameter; the user knows the file.
                string file = e.ParamName switch { "a" => a.Path, "weights" => b.Path, _ => biasPath ?? "bias" };
                throw new ArgumentException(file + ": " + e.Message.Replace(" (Parameter '" + e.ParamName + "')", ""), e);
            }
            catch (ArgumentException e) when (e.ParamName == "options")
            {
                // Option combinations the command line does not check itself (e.g. too many prototype values).
                throw new UsageException(e.Message.Replace(" (Parameter 'options')", ""));
            }

            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            context.CancellationToken.ThrowIfCancellationRequested();
            model.Save(outputPath);

            if (json)
            {
                WriteJson(context.Output, outputPath, model, a.Rows, seconds);
            }
            else
            {
                context.Output.WriteLine("wrote " + outputPath + ": '" + model.Name + "', D = " + model.InputDimension + ", M = " +
                    model.OutputDimension + ", C = " + model.Codebooks + ", " + AggregationName(model) + " aggregation, trained on " +
                    a.Rows + " rows in " + seconds.ToString("F2") + " s");
            }

            return ExitCodes.Success;
        }

        private static void WriteJson(TextWriter output, string path, LutModel model, int rows, double seconds)
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                writer.WriteStartObject();
                writer.WriteString("model", path);
                writer.WriteString("name", model.Name);
                writer.WriteString("producer", model.Producer);
                writer.WriteNumber("rows", rows);
                writer.WriteNumber("inputDimension", model.InputDimension);
                writer.WriteNumber("outputDimension", model.OutputDimension);
                writer.WriteNumber("codebooks", model.Codebooks);
                writer.WriteString("aggregation", AggregationName(model));
                writer.WriteString("sha256", model.ComputeSha256());
                writer.WriteNumber("seconds", Math.Round(seconds, 3));
                writer.WriteEndObject();
            }

            output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        }

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
