using System.CommandLine;
using System.IO;
using System.Text.Json;

namespace KernelCompiler.Cli.Commands
{
    /// <summary><c>kernelc info --model m.lut.json</c>: what a model file holds.</summary>
    internal static class InfoCommand
    {
        public static Command Create(CliContext context)
        {
            Option<string> model = CommonOptions.Model();
            Option<bool> json = CommonOptions.Json();
            var command = new Command("info", "Describe a model file: shape, aggregation, name, producer and hash.")
            {
                model, json,
            };
            command.SetAction(parse => NetworkFiles.LoadNetworkOrNull(parse.GetRequiredValue(model)) is LutNetwork network
                ? NetworkCommands.Info(context, parse.GetRequiredValue(model), network, parse.GetValue(json))
                : Run(context, parse.GetRequiredValue(model), parse.GetValue(json)));
            return command;
        }

        private static int Run(CliContext context, string modelPath, bool json)
        {
            LutModel model = LutModel.Load(modelPath);
            if (json)
            {
                WriteJson(context.Output, modelPath, model);
                return ExitCodes.Success;
            }

            TextWriter o = context.Output;
            o.WriteLine("model        " + modelPath);
            o.WriteLine("name         " + model.Name);
            o.WriteLine("producer     " + (model.Producer ?? "(not recorded)"));
            o.WriteLine("shape        D = " + model.InputDimension + " inputs, M = " + model.OutputDimension + " outputs, C = " +
                model.Codebooks + " codebooks");
            o.WriteLine("aggregation  " + (model.Aggregation == LutAggregation.Exact ? "exact" : "average"));
            o.WriteLine("tables       " + model.Tables.Length + " bytes (M × C × 16)");
            o.WriteLine("prototypes   " + (model.HasPrototypes ? "yes (tables can be rebuilt for another B)" : "no"));
            o.WriteLine("sha256       " + model.ComputeSha256() + " (of the canonical JSON)");
            return ExitCodes.Success;
        }

        private static void WriteJson(TextWriter output, string path, LutModel model)
        {
            using var stream = new MemoryStream();
            using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                json.WriteStartObject();
                json.WriteString("model", path);
                json.WriteString("name", model.Name);
                if (model.Producer is null) json.WriteNull("producer");
                else json.WriteString("producer", model.Producer);
                json.WriteNumber("inputDimension", model.InputDimension);
                json.WriteNumber("outputDimension", model.OutputDimension);
                json.WriteNumber("codebooks", model.Codebooks);
                json.WriteString("aggregation", model.Aggregation == LutAggregation.Exact ? "exact" : "average");
                json.WriteNumber("tableBytes", model.Tables.Length);
                json.WriteBoolean("hasPrototypes", model.HasPrototypes);
                json.WriteString("sha256", model.ComputeSha256());
                json.WriteEndObject();
            }

            output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        }
    }
}
