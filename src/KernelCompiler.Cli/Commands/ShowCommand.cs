using System;
using System.CommandLine;
using System.Linq;
using KernelCompiler.Emit;

namespace KernelCompiler.Cli.Commands
{
    /// <summary>
    /// <c>kernelc show --model model.lut.json [--isa ...]</c> (or <c>kernelc show model.lut.json</c>): prints the C# that the <c>[LutKernel]</c> generator writes for
    /// the model, which is also what <c>--backend emitted</c> compiles to IL, so the code that runs can be read. On a
    /// network file it prints the network kernel the generator writes (--isa and --strategy apply to single layers).
    /// </summary>
    internal static class ShowCommand
    {
        /// <summary>Every instruction set's --isa name, from the enum, so a new path is offered without an edit here.</summary>
        internal static readonly string[] IsaNames = Enum.GetValues<KernelInstructionSet>().Select(IsaName).ToArray();

        public static Command Create(CliContext context)
        {
            // --model as in every other verb; the positional form stays as a shorthand ("kernelc show m.lut.json").
            Option<string> model = CommonOptions.Model();
            model.Required = false;
            var positional = new Argument<string?>("model")
            {
                Description = "The model file, as a shorthand for --model.",
                HelpName = "m.lut.json",
                Arity = ArgumentArity.ZeroOrOne,
            };
            Option<string> isa = CommonOptions.OneOf("--isa",
                "The widest instruction-set path to write; narrower paths down to scalar are written too (auto: all).",
                "auto", IsaNames);
            var className = new Option<string>("--class-name")
            {
                Description = "The name of the generated static partial class.",
                DefaultValueFactory = _ => "GeneratedKernel",
            };
            var ns = new Option<string?>("--namespace") { Description = "The namespace of the generated class (default: global)." };
            Option<string> strategy = CommonOptions.OneOf("--strategy",
                "Unrolled code with the model's constants in it, or loops over the model as data (auto: unrolled unless too large).",
                "auto", "auto", "unrolled", "table-driven");
            var command = new Command("show", "Print the C# kernel generated for a model: the code the generator emits and the emitted backend runs.")
            {
                model, positional, isa, className, ns, strategy,
            };
            command.SetAction(parse =>
            {
                string? byOption = parse.GetValue(model), byPosition = parse.GetValue(positional);
                if (byOption is not null && byPosition is not null)
                {
                    throw new UsageException("give the model once: --model " + byOption + " or " + byPosition + ", not both");
                }

                string path = byOption ?? byPosition ?? throw new UsageException("Option '--model' is required (see 'kernelc show --help')");
                LutNetwork? network = NetworkFiles.LoadNetworkOrNull(path);
                var options = new LutKernelOptions
                {
                    InstructionSet = ToInstructionSet(parse.GetRequiredValue(isa)),
                    Strategy = parse.GetRequiredValue(strategy) switch
                    {
                        "unrolled" => KernelStrategy.Unrolled,
                        "table-driven" => KernelStrategy.TableDriven,
                        _ => KernelStrategy.Auto,
                    },
                };
                // Checked before GenerateSource (which checks too) so a bad name is a usage error, exit 2.
                string name = parse.GetRequiredValue(className);
                if (!CSharpNames.IsIdentifier(name))
                {
                    throw new UsageException("invalid value '" + name + "' for --class-name; expected a C# identifier");
                }

                string? space = parse.GetValue(ns);
                if (space is not null && !CSharpNames.IsQualifiedName(space))
                {
                    throw new UsageException("invalid value '" + space + "' for --namespace; expected a dotted C# name");
                }

                if (network is not null)
                {
                    return NetworkCommands.Show(context, network, path, name, space);
                }

                context.Output.Write(LutKernel.GenerateSource(LutModel.Load(path), options, name, space));
                return ExitCodes.Success;
            });
            return command;
        }

        /// <summary>The --isa name of <paramref name="set"/>: its enum name in lower case (Vector128 keeps its older "v128").</summary>
        internal static string IsaName(KernelInstructionSet set)
            => set == KernelInstructionSet.Vector128 ? "v128" : set.ToString().ToLowerInvariant();

        /// <summary>The instruction set named <paramref name="name"/> (one of <see cref="IsaNames"/>; anything else is Auto).</summary>
        internal static KernelInstructionSet ToInstructionSet(string name)
            => Enum.GetValues<KernelInstructionSet>().FirstOrDefault(set => IsaName(set) == name, KernelInstructionSet.Auto);
    }
}
