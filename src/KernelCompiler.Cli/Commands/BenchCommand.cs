using System;
using System.CommandLine;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using KernelCompiler.Blas;

namespace KernelCompiler.Cli.Commands
{
    /// <summary>
    /// <c>kernelc bench</c>: times a model's kernel end to end (Multiply) and the exact product A · B on the same random
    /// rows in one run. The exact engine is OpenBLAS cblas_sgemm (one thread per caller) when it can be loaded, else the
    /// managed TensorPrimitives product; the output names it. With --threads T the rows are split into T blocks, one per
    /// thread, each in the chosen layout, and both engines run the blocks in parallel.
    /// </summary>
    internal static class BenchCommand
    {
        private const int MaxThreads = 256;

        public static Command Create(CliContext context)
        {
            Option<string> model = CommonOptions.Model();
            Option<int> rows = CommonOptions.Integer("--rows", 1, 100_000_000);
            rows.Description = "N: how many random rows to time (seeded, standard normal).";
            rows.HelpName = "N";
            rows.Required = true;
            Option<string> layout = CommonOptions.OneOf("--layout",
                "How the rows are stored: col = column-major (D × N per block, the fast path), row = row-major (N × D).",
                "col", "col", "row");
            Option<int> threads = CommonOptions.Integer("--threads", 1, MaxThreads);
            threads.Description = "T: split the rows into T blocks timed on T threads at once (Parallel.For); default 1.";
            threads.HelpName = "T";
            threads.DefaultValueFactory = _ => 1;
            Option<string> backend = CommonOptions.Backend();
            backend.DefaultValueFactory = _ => "emitted";
            Option<bool> json = CommonOptions.Json();
            var command = new Command("bench", "Time a model's kernel (end-to-end Multiply) against the exact product on the same random rows.")
            {
                model, rows, layout, threads, backend, json,
            };
            command.SetAction(parse => Run(context, new Request(
                parse.GetRequiredValue(model), parse.GetValue(rows), parse.GetRequiredValue(layout) == "col",
                parse.GetValue(threads), parse.GetRequiredValue(backend), parse.GetValue(json))));
            return command;
        }

        private sealed record Request(string Model, int Rows, bool ColumnMajor, int Threads, string Backend, bool Json);

        private sealed record Report(Request Request, LutModel Model, string Backend, double KernelNsPerRow, double ExactNsPerRow,
            string ExactEngine);

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
                blocks[i] = new Block(count, Gaussian(rng, count * d), new float[count * m]);
            }

            float[] b = Gaussian(rng, d * m);
            float[] bTransposed = DenseProduct.Transpose(b, d, m);
            bool columnMajor = request.ColumnMajor;

            string exactEngine;
            Action<Block> exact;
            if (NativeBlas.IsAvailable)
            {
                exactEngine = NativeBlas.Engine;
                exact = block => NativeBlas.Multiply(block.X, block.Rows, d, columnMajor, b, m, block.Y);
            }
            else
            {
                exactEngine = DenseProduct.Engine + " (" + NativeBlas.UnavailableReason + ")";
                exact = block => DenseProduct.Multiply(block.X, block.Rows, d, columnMajor, b, bTransposed, m, block.Y);
            }

            (double kernelNs, double exactNs) = Timing.MedianNanosecondsPerRow(
                () => ForEachBlock(blocks, block =>
                {
                    if (columnMajor) kernel.MultiplyColumnMajor(block.X, block.Y);
                    else kernel.Multiply(block.X, block.Y);
                }),
                () => ForEachBlock(blocks, exact), request.Rows, context.CancellationToken);

            var report = new Report(request, model, kernel.Backend, kernelNs, exactNs, exactEngine);
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

        private static float[] Gaussian(Random rng, int count)
        {
            var values = new float[count];
            for (int i = 0; i < count; i++)
            {
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
                json.WriteNumber("kernelNsPerRow", Math.Round(r.KernelNsPerRow, 3));
                json.WriteNumber("exactNsPerRow", Math.Round(r.ExactNsPerRow, 3));
                json.WriteString("exactEngine", r.ExactEngine);
                json.WriteNumber("speedup", Math.Round(r.ExactNsPerRow / r.KernelNsPerRow, 3));
                json.WriteNumber("timingRuns", Timing.Runs);
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
            o.WriteLine("kernel   " + r.KernelNsPerRow.ToString("F2") + " ns/row (" + r.Backend + ", end-to-end Multiply)");
            o.WriteLine("exact    " + r.ExactNsPerRow.ToString("F2") + " ns/row (" + r.ExactEngine + ")");
            double speedup = r.ExactNsPerRow / r.KernelNsPerRow;
            string relative = speedup >= 1 ? speedup.ToString("F2") + "× faster" : (1 / speedup).ToString("F2") + "× slower";
            o.WriteLine("speedup  " + relative + " than exact (median of " + Timing.Runs + " alternating runs each)");
        }
    }
}
