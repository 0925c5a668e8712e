using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text.Json;
using KernelCompiler.Calibration;

namespace KernelCompiler.Cli.Commands
{
    /// <summary>
    /// <c>kernelc import</c>: imports a trained ONNX network, calibrates its layers in order on calibration rows
    /// (LUT layers fitted to the exact network's activations) with fixed or automatically chosen codebooks, writes the
    /// network file atomically and prints a per-layer summary.
    /// </summary>
    internal static class ImportCommand
    {
        public static Command Create(CliContext context)
        {
            var defaults = new NetworkCalibrationOptions();
            var onnx = new Option<string>("--onnx")
            {
                Description = "The trained network, an ONNX file (float32 Gemm/MatMul+Add, Relu, Flatten, Reshape, Identity, Dropout, a final Softmax).",
                HelpName = "model.onnx",
                Required = true,
            };
            var calibration = new Option<string>("--calibration")
            {
                Description = "Calibration rows, a .npy of shape [N, D] or [N, ...] as the network's input.",
                HelpName = "X.npy",
                Required = true,
            };
            Option<string> labels = CommonOptions.Labels(
                "Class labels of the calibration rows (N integers): needed by --max-accuracy-loss, and reported.");
            var maxLoss = new Option<double?>("--max-accuracy-loss")
            {
                Description = "Choose each layer's codebooks automatically: the tolerated loss of accuracy against the exact network on held-back calibration rows, a fraction (0.01 = one point). Needs --labels.",
                HelpName = "P",
                CustomParser = result => Fraction(result, "--max-accuracy-loss"),
            };
            var maxNmse = new Option<double?>("--max-nmse")
            {
                Description = "Choose each layer's codebooks automatically: the tolerated NMSE of the final outputs against the exact network on held-back calibration rows.",
                HelpName = "E",
                CustomParser = result => Positive(result, "--max-nmse"),
            };
            var codebooks = new Option<string>("--codebooks", "-c")
            {
                Description = "C for every LUT layer (a layer with fewer inputs gets one per input), or one count per layer, " +
                    "comma-separated, 0 keeping a layer exact (e.g. 256,256,64); default " + defaults.Codebooks +
                    " when no automatic choice is asked.",
                HelpName = "C|LIST",
            };
            var exactLayers = new Option<string>("--exact-layers")
            {
                Description = "Layers (from 0) kept exact as dense float layers, comma-separated, e.g. 0 or 0,2.",
                HelpName = "LIST",
            };
            Option<string> targets = CommonOptions.OneOf("--targets",
                "Fit each LUT layer's tables to the exact network's activations (teacher) or to the layer's own product of its approximated inputs (layer).",
                "teacher", "teacher", "layer");
            Option<double> lambda = CommonOptions.PositiveReal("--lambda");
            lambda.Description = "Ridge regularisation λ > 0 of the table fit.";
            lambda.HelpName = "λ";
            lambda.DefaultValueFactory = _ => defaults.RidgeLambda;
            Option<string> output = CommonOptions.ModelOutput("Where to write the network (*.lut.json), atomically.");
            output.HelpName = "net.lut.json";
            Option<bool> json = CommonOptions.Json();
            var command = new Command("import", "Import an ONNX network and calibrate it into LUT layers on calibration rows.")
            {
                onnx, calibration, labels, maxLoss, maxNmse, codebooks, exactLayers, targets, lambda, output, json,
            };
            command.SetAction(parse =>
            {
                double? loss = parse.GetValue(maxLoss), nmse = parse.GetValue(maxNmse);
                string? codebooksText = parse.GetValue(codebooks);
                bool fixedCodebooks = codebooksText is not null;
                int[]? perLayer = ParseCodebooks(codebooksText);
                int chosen = (loss is null ? 0 : 1) + (nmse is null ? 0 : 1) + (fixedCodebooks ? 1 : 0);
                if (chosen > 1)
                {
                    throw new UsageException("--max-accuracy-loss, --max-nmse and --codebooks exclude one another; give one");
                }

                if (loss is not null && parse.GetValue(labels) is null)
                {
                    throw new UsageException("--max-accuracy-loss needs --labels for the calibration rows");
                }

                var options = new NetworkCalibrationOptions
                {
                    MaxAccuracyLoss = loss,
                    MaxNmse = nmse,
                    Codebooks = perLayer is { Length: 1 } ? perLayer[0] : defaults.Codebooks,
                    LayerCodebooks = perLayer is { Length: > 1 } ? perLayer : null,
                    ExactLayers = ParseLayers(parse.GetValue(exactLayers)),
                    Targets = parse.GetValue(targets) == "layer" ? CalibrationTargets.LayerOutputs : CalibrationTargets.Teacher,
                    RidgeLambda = parse.GetValue(lambda),
                    Producer = ToolVersion.Producer,
                };
                return Run(context, parse.GetRequiredValue(onnx), parse.GetRequiredValue(calibration), parse.GetValue(labels),
                    options, parse.GetRequiredValue(output), parse.GetValue(json));
            });
            return command;
        }

        private static int Run(CliContext context, string onnxPath, string calibrationPath, string? labelsPath,
            NetworkCalibrationOptions options, string outputPath, bool json)
        {
            DataFiles.CheckOutputDirectory(outputPath, "--output");   // before minutes of calibration, not after
            LutNetwork exact = OnnxImporter.Import(onnxPath);
            Matrix x = NetworkFiles.ReadRows(calibrationPath, exact, "calibration rows");
            int[] labels = labelsPath is null ? Array.Empty<int>() : DataFiles.ReadLabels(labelsPath, x);
            if (options.ExactLayers is { } layers)
            {
                foreach (int layer in layers)
                {
                    if (layer >= exact.Layers.Count)
                    {
                        throw new UsageException("--exact-layers names layer " + layer + " but " + onnxPath + " has " +
                            exact.Layers.Count + " layers (0 to " + (exact.Layers.Count - 1) + ")");
                    }
                }
            }

            if (options.LayerCodebooks is { } perLayer && perLayer.Count != exact.Layers.Count)
            {
                throw new UsageException("--codebooks lists " + perLayer.Count + " counts but " + onnxPath + " has " +
                    exact.Layers.Count + " layers; give one count, or one per layer");
            }

            for (int n = 0; n < labels.Length; n++)
            {
                if ((uint)labels[n] >= (uint)exact.OutputDimension)
                {
                    throw new ArgumentException(labelsPath + ": label " + n + " is " + labels[n] + " but the network has " +
                        exact.OutputDimension + " outputs (classes 0 to " + (exact.OutputDimension - 1) + ")");
                }
            }

            NetworkFiles.CheckWritable(outputPath);
            long start = Stopwatch.GetTimestamp();
            NetworkCalibrationResult result;
            try
            {
                result = CalibrationProgressDisplay.Run(context, progress => NetworkCalibrator.Calibrate(
                    exact, x.Values, labels, options, progress, context.CancellationToken));
            }
            catch (ArgumentException e) when (e.ParamName == "x")
            {
                throw new ArgumentException(calibrationPath + ": " + e.Message.Replace(" (Parameter 'x')", ""), e);
            }
            catch (ArgumentException e) when (e.ParamName == "options")
            {
                throw new UsageException(e.Message.Replace(" (Parameter 'options')", ""));
            }

            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            context.CancellationToken.ThrowIfCancellationRequested();
            result.Network.Save(outputPath);
            if (json)
            {
                WriteJson(context.Output, outputPath, result, seconds);
            }
            else
            {
                WriteHuman(context.Output, outputPath, result, seconds);
            }

            return ExitCodes.Success;
        }

        // "C" or "C0,C1,...": 1 to 256 codebooks, or 0 (exact) in a list.
        private static int[]? ParseCodebooks(string? text)
        {
            if (text is null)
            {
                return null;
            }

            string[] parts = text.Split(',');
            var counts = new int[parts.Length];
            for (int i = 0; i < parts.Length; i++)
            {
                if (!int.TryParse(parts[i].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out counts[i]) ||
                    counts[i] > LutModelLimits.MaxCodebooks || (counts[i] == 0 && parts.Length == 1))
                {
                    throw new UsageException("invalid value '" + text + "' for --codebooks; expected an integer from 1 to " +
                        LutModelLimits.MaxCodebooks + ", or one per layer, comma-separated, 0 for an exact layer");
                }
            }

            return counts;
        }

        private static IReadOnlyCollection<int>? ParseLayers(string? text)
        {
            if (text is null)
            {
                return null;
            }

            var layers = new SortedSet<int>();
            foreach (string part in text.Split(','))
            {
                if (!int.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int layer) ||
                    layer >= LutNetworkLimits.MaxLayers)
                {
                    throw new UsageException("invalid value '" + text + "' for --exact-layers; expected layer numbers from 0, " +
                        "comma-separated, e.g. 0 or 0,2");
                }

                layers.Add(layer);
            }

            return layers;
        }

        private static double? Fraction(System.CommandLine.Parsing.ArgumentResult result, string name)
        {
            string text = result.Tokens.Count == 0 ? "" : result.Tokens[0].Value;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value >= 0 && value <= 1)
            {
                return value;
            }

            result.AddError("invalid value '" + text + "' for " + name + "; expected a fraction from 0 to 1 (0.01 = one point)");
            return null;
        }

        private static double? Positive(System.CommandLine.Parsing.ArgumentResult result, string name)
        {
            string text = result.Tokens.Count == 0 ? "" : result.Tokens[0].Value;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value > 0 &&
                double.IsFinite(value))
            {
                return value;
            }

            result.AddError("invalid value '" + text + "' for " + name + "; expected a finite number greater than 0");
            return null;
        }

        private static string Choice(LayerCalibration layer) => layer.IsExact ? "exact" : "C = " + layer.Codebooks;

        private static string Percent(double? value) =>
            value is double v ? (v * 100).ToString("0.00", CultureInfo.InvariantCulture) + " %" : "-";

        private static string Number(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

        private static void WriteHuman(TextWriter o, string path, NetworkCalibrationResult r, double seconds)
        {
            o.WriteLine("wrote " + path + ": '" + r.Network.Name + "', " + r.Layers.Count + " layers, calibrated on " +
                r.TrainingRows + " rows in " + seconds.ToString("F1", CultureInfo.InvariantCulture) + " s");
            o.WriteLine("layer  shape        activation  choice    NMSE vs exact  lookups/row  multiply-adds/row");
            foreach (LayerCalibration layer in r.Layers)
            {
                o.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-6} {1,-12} {2,-11} {3,-9} {4,-14} {5,-12} {6}",
                    layer.Index, layer.InputDimension + " × " + layer.OutputDimension,
                    layer.Activation == LayerActivation.Relu ? "relu" : "identity", Choice(layer), Number(layer.Nmse),
                    layer.LookupsPerRow, layer.MultiplyAddsPerRow));
            }

            o.WriteLine("cost         " + r.Cost + " a row (" + r.LookupsPerRow + " lookups + " + r.MultiplyAddsPerRow +
                " multiply-adds); the exact network: " + r.ExactCost + " multiply-adds");
            string rows = r.EvaluatedOnHeldBackRows
                ? r.EvaluationRows + " held-back calibration rows"
                : r.EvaluationRows + " calibration rows (in-sample)";
            o.WriteLine("measured on  " + rows + ": final-output NMSE " + Number(r.Nmse) +
                (r.Accuracy is null ? "" : ", accuracy " + Percent(r.Accuracy) + " (exact " + Percent(r.ExactAccuracy) + ")"));
            if (r.Criterion != CalibrationCriterion.Fixed)
            {
                o.WriteLine("chosen for   " + (r.Criterion == CalibrationCriterion.AccuracyLoss
                    ? "an accuracy loss of at most " + Percent(r.Budget)
                    : "a final-output NMSE of at most " + Number(r.Budget ?? 0)) +
                    "; each layer may use the budget in proportion to the exact cost up to it");
            }

            foreach (LayerCalibration layer in r.Layers)
            {
                string trials = layer.Trials.Count == 0 ? "" : " (tried " + string.Join(", ", TrialTexts(layer, r.Criterion)) + ")";
                o.WriteLine("layer " + layer.Index + "      " + layer.Reason + trials);
            }
        }

        private static IEnumerable<string> TrialTexts(LayerCalibration layer, CalibrationCriterion criterion)
        {
            foreach (CalibrationTrial trial in layer.Trials)
            {
                yield return "C = " + trial.Codebooks + ": " + (criterion == CalibrationCriterion.AccuracyLoss
                    ? Percent(trial.Measured)
                    : Number(trial.Measured));
            }
        }

        // JSON has no infinity: an NMSE against all-zero exact values is written as null.
        private static void Finite(Utf8JsonWriter w, string name, double value)
        {
            if (double.IsFinite(value)) w.WriteNumber(name, value);
            else w.WriteNull(name);
        }

        private static void WriteJson(TextWriter output, string path, NetworkCalibrationResult r, double seconds)
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartObject();
                w.WriteString("network", path);
                w.WriteString("name", r.Network.Name);
                w.WriteString("criterion", r.Criterion switch
                {
                    CalibrationCriterion.AccuracyLoss => "accuracyLoss",
                    CalibrationCriterion.Nmse => "nmse",
                    _ => "fixed",
                });
                if (r.Budget is double budget) w.WriteNumber("budget", budget);
                w.WriteNumber("trainingRows", r.TrainingRows);
                w.WriteNumber("evaluationRows", r.EvaluationRows);
                w.WriteBoolean("heldBack", r.EvaluatedOnHeldBackRows);
                Finite(w, "nmse", r.Nmse);
                if (r.Accuracy is double accuracy) w.WriteNumber("accuracy", accuracy);
                if (r.ExactAccuracy is double exactAccuracy) w.WriteNumber("exactAccuracy", exactAccuracy);
                w.WriteNumber("lookupsPerRow", r.LookupsPerRow);
                w.WriteNumber("multiplyAddsPerRow", r.MultiplyAddsPerRow);
                w.WriteNumber("cost", r.Cost);
                w.WriteNumber("exactCost", r.ExactCost);
                w.WriteNumber("seconds", Math.Round(seconds, 3));
                w.WriteStartArray("layers");
                foreach (LayerCalibration layer in r.Layers)
                {
                    w.WriteStartObject();
                    w.WriteNumber("index", layer.Index);
                    w.WriteNumber("inputDimension", layer.InputDimension);
                    w.WriteNumber("outputDimension", layer.OutputDimension);
                    w.WriteString("activation", layer.Activation == LayerActivation.Relu ? "relu" : "identity");
                    w.WriteBoolean("exact", layer.IsExact);
                    w.WriteNumber("codebooks", layer.Codebooks);
                    Finite(w, "nmse", layer.Nmse);
                    w.WriteNumber("lookupsPerRow", layer.LookupsPerRow);
                    w.WriteNumber("multiplyAddsPerRow", layer.MultiplyAddsPerRow);
                    w.WriteString("reason", layer.Reason);
                    w.WriteStartArray("trials");
                    foreach (CalibrationTrial trial in layer.Trials)
                    {
                        w.WriteStartObject();
                        w.WriteNumber("codebooks", trial.Codebooks);
                        Finite(w, "measured", trial.Measured);
                        w.WriteNumber("allowance", trial.Allowance);
                        w.WriteBoolean("accepted", trial.Accepted);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        }
    }
}
