using System;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.IO;
using System.Linq;
using System.Threading;
using KernelCompiler.Cli.Commands;
using KernelCompiler.IO;

namespace KernelCompiler.Cli
{
    /// <summary>
    /// The kernelc command line as a function: arguments and writers in, exit code out. <c>Program.Main</c> calls it
    /// with the console; tests call it with string writers. Every failure is one line on stderr: exit 2 for a wrong
    /// command line, 1 for a data or model problem, 130 when cancelled.
    /// </summary>
    public static class KernelcApp
    {
        /// <summary>Runs kernelc with <paramref name="args"/>.</summary>
        /// <param name="args">The command line, without the program name.</param>
        /// <param name="output">Results: reports and JSON.</param>
        /// <param name="error">Error lines and, when interactive, progress.</param>
        /// <param name="cancellationToken">Cancels a running verb (Ctrl+C).</param>
        /// <param name="interactive">True when stderr is a terminal a person watches, so progress may be drawn there.</param>
        public static int Run(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default,
            bool interactive = false)
        {
            ArgumentNullException.ThrowIfNull(args);
            ArgumentNullException.ThrowIfNull(output);
            ArgumentNullException.ThrowIfNull(error);
            var context = new CliContext(output, error, cancellationToken, interactive);
            RootCommand root = CreateRootCommand(context);
            ParseResult parse = root.Parse(args);

            // Parse errors are reported here, as one line, rather than by the library's help dump (and its exit 1).
            // --help and --version win over errors such as a missing required option.
            if (parse.Errors.Count > 0 && parse.Action is System.CommandLine.Invocation.ParseErrorAction)
            {
                // "Required command was not provided" says less than "Unrecognized command 'x'" beside it.
                ParseError first = parse.UnmatchedTokens.Count > 0 && parse.Errors.Count > 1
                    ? parse.Errors.FirstOrDefault(e => parse.UnmatchedTokens.Any(t => e.Message.Contains("'" + t + "'"))) ?? parse.Errors[0]
                    : parse.Errors[0];
                string command = parse.CommandResult.Command is RootCommand ? "kernelc" : "kernelc " + parse.CommandResult.Command.Name;
                string message = first.Message;
                string? unmatched = parse.UnmatchedTokens.FirstOrDefault(t => message.Contains("'" + t + "'"));
                if (unmatched is not null && Suggestions.For(unmatched, parse.CommandResult.Command, root) is string suggestion)
                {
                    message = message.TrimEnd('.') + "; did you mean '" + suggestion + "'?";
                }

                return Fail(error, message + " (see '" + command + " --help')", ExitCodes.UsageError);
            }

            var configuration = new InvocationConfiguration
            {
                Output = output,
                Error = error,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            };
            try
            {
                return parse.Invoke(configuration);
            }
            catch (UsageException e)
            {
                return Fail(error, e.Message, ExitCodes.UsageError);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return Fail(error, "cancelled; no output was written", ExitCodes.Cancelled);
            }
            catch (Exception e) when (e is LutModelException or NpyFormatException or FormatException or ArgumentException
                or IOException or UnauthorizedAccessException or InvalidDataException or OutOfMemoryException)
            {
                return Fail(error, Describe(e), ExitCodes.DataError);
            }
            catch (Exception e)
            {
                // A bug, not bad input; still one line, with the type so it can be reported.
                return Fail(error, "internal error (" + e.GetType().Name + "): " + e.Message, ExitCodes.DataError);
            }
        }

        /// <summary>The root command with every verb: one file per verb under Commands/.</summary>
        internal static RootCommand CreateRootCommand(CliContext context)
        {
            var root = new RootCommand("kernelc: train, evaluate and run MADDNESS lookup-table kernels (approximate A · B for a fixed B).");
            // The built-in --version reports the entry assembly, which is the test host when tests call Run.
            foreach (Option option in root.Options)
            {
                if (option is VersionOption version)
                {
                    version.Action = new PrintVersionAction(context);
                }
            }

            root.Subcommands.Add(BenchCommand.Create(context));
            root.Subcommands.Add(EvalCommand.Create(context));
            root.Subcommands.Add(ImportCommand.Create(context));
            root.Subcommands.Add(InfoCommand.Create(context));
            root.Subcommands.Add(PredictCommand.Create(context));
            root.Subcommands.Add(ShowCommand.Create(context));
            root.Subcommands.Add(SweepCommand.Create(context));
            root.Subcommands.Add(TrainCommand.Create(context));
            return root;
        }

        private sealed class PrintVersionAction : System.CommandLine.Invocation.SynchronousCommandLineAction
        {
            private readonly CliContext _context;

            public PrintVersionAction(CliContext context) => _context = context;

            public override int Invoke(ParseResult parseResult)
            {
                _context.Output.WriteLine(ToolVersion.Text);
                return ExitCodes.Success;
            }
        }

        private static string Describe(Exception e) => e switch
        {
            // The library's own messages already name the file; ArgumentException appends " (Parameter 'x')".
            ArgumentException a when a.ParamName is not null => a.Message.Replace(" (Parameter '" + a.ParamName + "')", ""),
            OutOfMemoryException => "not enough memory for the data: " + e.Message,
            _ => e.Message,
        };

        private static int Fail(TextWriter error, string message, int exitCode)
        {
            string oneLine = string.Join(" ", message.Split(new[] { '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()));
            error.WriteLine("kernelc: error: " + oneLine);
            return exitCode;
        }
    }
}
