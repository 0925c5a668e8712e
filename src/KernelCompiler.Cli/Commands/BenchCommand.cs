using System;
using System.CommandLine;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;

namespace KernelCompiler.Cli.Commands
{
    /// <summary>
    /// <c>kernelc bench</c>: times a model's kernel end to end (Multiply) and the exact product A · B on the same random
    /// rows in one run. The exact engine is the one every verb uses (<see cref="ExactBaseline"/>: the fastest of OpenBLAS,
    /// BLIS and the managed product unless --exact-engine names one, each one thread per call); the output names it.
    /// With --threads T the rows are split into T blocks, one per thread, each in the chosen layout, and both engines run
    /// the blocks in parallel: T independent callers at once, which measures throughput with T cores busy, not one
    /// call's latency, and not a multi-threaded BLAS.
    /// </summary>
    internal static class BenchCommand
    {
        private const int MaxThreads = 256;

        /// <summary>The rows timed when --rows is not given.</summary>
        public const int DefaultRows = 10_000;

        public static Command Create(CliContext context)
        {
            Option<string> model = CommonOptions.Model();
            Option<int> rows = CommonOptions.Integer("--rows", 1, 100_000_000, "-r");
            rows.Description = "N: how many random rows to time (seeded, standard normal).";
            rows.HelpName = "N";
            rows.DefaultValueFactory = _ => DefaultRows;
            Option<string> layout = CommonOptions.OneOf("--layout",
                "How the rows are stored: col = column-major (D × N per block, the fast path), row = row-major (N × D).",
                "col", "col", "row");
            Option<int> threads = CommonOptions.Integer("--threads", 1, MaxThreads, "-t");
            threads.Description = "T: split the rows into T blocks, one per thread, and run the kernel and the exact engine on all " +
                "T blocks at once (T independent callers, each engine one thread per call): throughput with T cores busy, " +
                "in ns per row over all rows. Default 1: one caller, one core.";
            threads.HelpName = "T";
            threads.DefaultValueFactory = _ => 1;
            Option<string> backend = CommonOptions.Backend();
            Option<string> exactEngine = ExactBaseline.CreateOption();
            Option<bool> json = CommonOptions.Json();
            Option<string> onnx = new("--onnx")
            {
                Description = "For a network file: the ONNX model it was imported from, timed with ONNX Runtime (one thread) as the exact engine (default: the ONNX file the network file records, if unchanged).",
                HelpName = "model.onnx",
            };
            Option<string> exact = NetworkOptions.Exact();
            exact.Description = "For a network file without --onnx: the exact network (.onnx or an all-dense network file), timed with the project's exact executor.";
            Option<string> input = new("--input", "-i")
            {
                Description = "For a network file: real rows (.npy, [N, D] or the network's input shape) instead of random ones; the first --rows of them.",
                HelpName = "X.npy",
            };
            Option<string> labels = CommonOptions.Labels("For a network file with --input: one class per row, to report the accuracy of the kernel and the exact engine.");
            var command = new Command("bench", "Time a model's kernel (end-to-end Multiply) against the exact product on the same random rows; " +
                "on a network file, the network kernel against the same layers one by one and the exact network (ONNX Runtime with --onnx).")
            {
                model, rows, layout, threads, backend, exactEngine, json, onnx, exact, input, labels,
            };
            command.SetAction(parse => NetworkFiles.LoadNetworkOrNull(parse.GetRequiredValue(model)) is LutNetwork network
                ? RunNetwork(context, parse, network, model, rows, layout, threads, backend, json, onnx, exact, input, labels)
                : parse.GetValue(onnx) is not null || parse.GetValue(exact) is not null || parse.GetValue(input) is not null || parse.GetValue(labels) is not null
                ? throw new UsageException("--onnx, --exact, --input and --labels apply to network files; " + parse.GetRequiredValue(model) + " holds one layer")
                : Run(context, new Request(
                parse.GetRequiredValue(model), parse.GetValue(rows), parse.GetRequiredValue(layout) == "col",
                parse.GetValue(threads), parse.GetRequiredValue(backend), parse.GetRequiredValue(exactEngine), parse.GetValue(json))));
            return command;
        }

        private static int RunNetwork(CliContext context, ParseResult parse, LutNetwork network, Option<string> model, Option<int> rows,
            Option<string> layout, Option<int> threads, Option<string> backend, Option<bool> json, Option<string> onnx,
            Option<string> exact, Option<string> input, Option<string> labels)
        {
            if (parse.GetValue(threads) != 1) throw new UsageException("--threads applies to single-layer models; a network is timed on one thread");
            if (parse.GetResult(layout) is { Implicit: false } && parse.GetRequiredValue(layout) == "col")
            {
                throw new UsageException("--layout col applies to single-layer models; a network reads row-major rows");
            }

            return NetworkBench.Run(context, new NetworkBench.Request(parse.GetRequiredValue(model), network, parse.GetValue(rows),
                parse.GetResult(rows) is { Implicit: false }, parse.GetValue(onnx), parse.GetValue(exact), parse.GetValue(input),
                parse.GetValue(labels), parse.GetRequiredValue(backend), parse.GetValue(json)));
        }

        private sealed record Request(string Model, int Rows, bool ColumnMajor, int Threads, string Backend, string ExactEngine, bool Json);

        private sealed record Report(Request Request, LutModel Model, string Backend, Spread Kernel, Spread Exact,
            ExactBaseline Baseline);

        private static int Run(CliContext context, Request request)
        {
            LutModel model = LutModel.Load(request.Model);
            if (request.Threads > request.Rows)
            {
                throw new UsageException("--threads " + request.Threads + " is more than --rows " + request.Rows +
                    "; every thread needs at least one row");
            }

            int d = model.InputDimension, m = model.OutputDimension, t = request.Threads;
            int largest = (request.Rows + t - 1) / t;
            if ((long)largest * Math.Max(d, m) > Array.MaxLength)
            {
                throw new UsageException("--rows " + request.Rows + " × D = " + d + " is too large for one block; use more --threads");
            }

            LutKernel kernel = KernelBackends.Create(request.Backend, model);
            context.CancellationToken.ThrowIfCancellationRequested();

            // T blocks, each a contiguous set of rows in the chosen layout, as T callers would own them.
            var blocks = new Block[t];
            var rng = new Random(0);
            for (int i = 0; i < t; i++)
            {
                int count = request.Rows / t + (i < request.Rows % t ? 1 : 0);
                blocks[i] = new Block(count, Gaussian(rng, count * d, context.CancellationToken), new float[count * m]);
            }

            float[] b = Gaussian(rng, d * m, context.CancellationToken);
            bool columnMajor = request.ColumnMajor;
            ExactBaseline baseline = ExactBaseline.Resolve(request.ExactEngine, b, d, m, request.Rows,
                multiply => ForEachBlock(blocks, block => multiply(block.X, block.Rows, columnMajor, block.Y)), context.CancellationToken);
            Action<Block> exact = block => baseline.Multiply(block.X, block.Rows, columnMajor, block.Y);

            (Spread kernelNs, Spread exactNs) = Timing.NanosecondsPerRow(
                () => ForEachBlock(blocks, block =>
                {
                    if (columnMajor) kernel.MultiplyColumnMajor(block.X, block.Y);
                    else kernel.Multiply(block.X, block.Y);
                }),
                () => ForEachBlock(blocks, exact), request.Rows, context.CancellationToken);

            var report = new Report(request, model, kernel.Backend, kernelNs, exactNs, baseline);
            if (request.Json) WriteJson(context.Output, report);
            else WriteHuman(context.Output, report);
            return ExitCodes.Success;
        }

        private sealed record Block(int Rows, float[] X, float[] Y);

        private static void ForEachBlock(Block[] blocks, Action<Block> work)
        {
            if (blocks.Length == 1)
            {
                work(blocks[0]);
                return;
            }

            Parallel.For(0, blocks.Length, new ParallelOptions { MaxDegreeOfParallelism = blocks.Length }, i => work(blocks[i]));
        }

        private static float[] Gaussian(Random rng, int count, System.Threading.CancellationToken cancellationToken)
        {
            var values = new float[count];
            for (int i = 0; i < count; i++)
            {
                if ((i & 0xFFFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
                double u = 1.0 - rng.NextDouble();
                values[i] = (float)(Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * rng.NextDouble()));
            }

            return values;
        }

        private static void WriteJson(TextWriter output, Report r)
        {
            using var stream = new MemoryStream();
            using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                json.WriteStartObject();
                json.WriteString("model", r.Request.Model);
                json.WriteString("backend", r.Backend);
                json.WriteNumber("rows", r.Request.Rows);
                json.WriteString("layout", r.Request.ColumnMajor ? "col" : "row");
                json.WriteNumber("threads", r.Request.Threads);
                json.WriteNumber("inputDimension", r.Model.InputDimension);
                json.WriteNumber("outputDimension", r.Model.OutputDimension);
                json.WriteNumber("codebooks", r.Model.Codebooks);
                JsonReports.WriteTimes(json, r.Kernel, r.Exact, r.Baseline.Engine.Name, r.Baseline.Description);
                json.WriteEndObject();
            }

            output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
        }

        private static void WriteHuman(TextWriter o, Report r)
        {
            o.WriteLine("model    " + r.Request.Model + " (D = " + r.Model.InputDimension + ", M = " + r.Model.OutputDimension +
                ", C = " + r.Model.Codebooks + ")");
            o.WriteLine("rows     " + r.Request.Rows + " random, " + (r.Request.ColumnMajor ? "column-major" : "row-major") + ", " +
                r.Request.Threads + (r.Request.Threads == 1 ? " thread" : " threads"));
            o.WriteLine("kernel   " + r.Kernel.Describe("F2") + ", " + r.Backend + " backend, end-to-end Multiply");
            o.WriteLine("exact    " + r.Exact.Describe("F2") + ", " + r.Baseline.Description);
            o.WriteLine("speedup  " + JsonReports.Relative(r.Kernel, r.Exact) + " than exact (medians of " + Timing.Runs + " alternating runs each)");
        }
    }
}
