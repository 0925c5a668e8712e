using System.CommandLine;
using System.IO;

namespace KernelCompiler.Cli.Commands
{
    /// <summary><c>kernelc info --model m.lut.json</c>: what a model file holds.</summary>
    internal static class InfoCommand
    {
        public static Command Create(CliContext context)
        {
            Option<string> model = CommonOptions.Model();
            var command = new Command("info", "Describe a model file: shape, aggregation, name, producer and hash.")
            {
                model,
            };
            command.SetAction(parse => NetworkFiles.LoadNetworkOrNull(parse.GetRequiredValue(model)) is LutNetwork network
                ? NetworkCommands.Info(context, parse.GetRequiredValue(model), network)
                : Run(context, parse.GetRequiredValue(model)));
            return command;
        }

        private static int Run(CliContext context, string modelPath)
        {
            LutModel model = LutModel.Load(modelPath);
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
    }
}
