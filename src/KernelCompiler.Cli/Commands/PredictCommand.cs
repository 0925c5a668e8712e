using System.CommandLine;
using System.IO;
using System.Text.Json;
using KernelCompiler.IO;

namespace KernelCompiler.Cli.Commands
{
    /// <summary><c>kernelc predict</c>: runs a model over A and writes the approximate A · B (+ bias) as .npy.</summary>
    internal static class PredictCommand
    {
        public static Command Create(CliContext context)
        {
            Option<string> model = CommonOptions.Model();
            Option<string> input = CommonOptions.Input();
            Option<string> backend = CommonOptions.Backend();
            var output = new Option<string>("--output", "-o")
            {
                Description = "Where to write Y: float32 N × M .npy, bias included (written atomically).",
                HelpName = "Y.npy",
                Required = true,
            };
            Option<bool> json = CommonOptions.Json();
            var command = new Command("predict", "Approximate A · B (+ bias) with a model and write it as a .npy file.")
            {
                model, input, backend, output, json,
            };
            command.SetAction(parse => NetworkFiles.LoadNetworkOrNull(parse.GetRequiredValue(model)) is LutNetwork network
                ? NetworkCommands.Predict(context, network, parse.GetRequiredValue(input), parse.GetRequiredValue(backend),
                    parse.GetRequiredValue(output), parse.GetValue(json))
                : Run(context, parse.GetRequiredValue(model), parse.GetRequiredValue(input),
                    parse.GetRequiredValue(backend), parse.GetRequiredValue(output), parse.GetValue(json)));
            return command;
        }

        private static int Run(CliContext context, string modelPath, string inputPath, string backend, string outputPath, bool json)
        {
            DataFiles.CheckOutputDirectory(outputPath, "--output");
            LutModel model = LutModel.Load(modelPath);
            Matrix a = DataFiles.ReadMatrix(inputPath, "A: N rows × D columns");
            DataFiles.CheckInput(a, model, modelPath);
            LutKernel kernel = KernelBackends.Create(backend, model);
            var y = new float[(long)a.Rows * model.OutputDimension];
            kernel.Multiply(a.Values, y);
            context.CancellationToken.ThrowIfCancellationRequested();
            NpyFile.Write(outputPath, y, a.Rows, model.OutputDimension);
            if (json)
            {
                using var stream = new MemoryStream();
                using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
                {
                    writer.WriteStartObject();
                    writer.WriteString("output", outputPath);
                    writer.WriteNumber("rows", a.Rows);
                    writer.WriteNumber("outputDimension", model.OutputDimension);
                    writer.WriteString("dtype", "float32");
                    writer.WriteString("backend", kernel.Backend);
                    writer.WriteEndObject();
                }

                context.Output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
            }
            else
            {
                context.Output.WriteLine("wrote " + outputPath + " (" + a.Rows + " × " + model.OutputDimension + " float32, " +
                    kernel.Backend + " backend)");
            }

            return ExitCodes.Success;
        }
    }
}
