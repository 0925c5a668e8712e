using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;

namespace KernelCompiler.Blas
{
    /// <summary>An exact float32 product bound to one B: destination (rows × M, row-major) = A · B, with A row-major
    /// (rows × D) or column-major (D × rows).</summary>
    internal delegate void ExactMultiply(ReadOnlySpan<float> a, int rows, bool aColumnMajor, Span<float> destination);

    /// <summary>One exact engine a speedup can be measured against: its command-line name, what it is, and whether this
    /// machine has it.</summary>
    internal sealed class ExactEngine
    {
        private readonly Func<float[], float[], int, int, ExactMultiply> _bind;

        internal ExactEngine(string name, Func<string> description, Func<string?> unavailableReason,
            Func<float[], float[], int, int, ExactMultiply> bind)
        {
            Name = name;
            _description = description;
            _unavailableReason = unavailableReason;
            _bind = bind;
        }

        private readonly Func<string> _description;
        private readonly Func<string?> _unavailableReason;

        /// <summary>The name <c>--exact-engine</c> takes.</summary>
        public string Name { get; }

        /// <summary>Library, version, kernels and threading, for reports (loads the library on first use).</summary>
        public string Description => _description();

        /// <summary>Why this engine cannot run here, or null when it can.</summary>
        public string? UnavailableReason => _unavailableReason();

        /// <summary>True when the engine can run on this machine.</summary>
        public bool IsAvailable => UnavailableReason is null;

        /// <summary>The product with B (depth × columns, row-major) and its transpose (columns × depth) bound in.</summary>
        public ExactMultiply Bind(float[] b, float[] bTransposed, int depth, int columns) => _bind(b, bTransposed, depth, columns);
    }

    /// <summary>
    /// Every exact engine kernelc and the benchmarks compare with, fastest first in general: OpenBLAS and BLIS
    /// (optimised, one thread) and the managed blocked product that always exists. Never a reference BLAS. Which one
    /// is fastest depends on the machine and the shape (on this project's test machine BLIS's zen3 kernels win at
    /// M = 10, OpenBLAS at M = 100), so <see cref="PickFastest"/> times them on the problem at hand.
    /// </summary>
    internal static class ExactEngines
    {
        /// <summary>The name that asks for the fastest available engine.</summary>
        public const string Auto = "auto";

        /// <summary>OpenBLAS, BLIS, managed.</summary>
        public static IReadOnlyList<ExactEngine> All { get; } = new[]
        {
            new ExactEngine("openblas", () => NativeBlas.Engine, () => NativeBlas.UnavailableReason,
                (b, _, d, m) => (a, rows, columnMajor, y) => NativeBlas.Multiply(a, rows, d, columnMajor, b, m, y)),
            new ExactEngine("blis", () => BlisBlas.Engine, () => BlisBlas.UnavailableReason,
                (_, bt, d, m) => (a, rows, columnMajor, y) => BlisBlas.Multiply(a, rows, d, columnMajor, bt, m, y)),
            new ExactEngine("managed", () => DenseProduct.Engine, () => null,
                (b, bt, d, m) => (a, rows, columnMajor, y) => DenseProduct.Multiply(a, rows, d, columnMajor, b, bt, m, y)),
        };

        /// <summary><see cref="Auto"/> and every engine's name, for help and errors.</summary>
        public static IReadOnlyList<string> Names { get; } = new[] { Auto }.Concat(All.Select(e => e.Name)).ToArray();

        /// <summary>The engine named <paramref name="name"/>, or null.</summary>
        public static ExactEngine? Find(string name) => All.FirstOrDefault(e => e.Name == name);

        /// <summary>
        /// Times every available engine on <paramref name="run"/> (one warm-up call each, then three rounds of one run
        /// of at least 5 ms per engine; each engine's fastest run counts) and returns the fastest, with every candidate's time per call.
        /// </summary>
        public static (ExactEngine Fastest, IReadOnlyList<(ExactEngine Engine, double Seconds)> Trials) PickFastest(
            Func<ExactEngine, Action> run, CancellationToken cancellationToken = default)
        {
            // Round robin, so a burst of other work on a shared machine (or a core still reaching its clock) does not
            // fall on one engine only; each engine's fastest run counts.
            var calls = new List<(ExactEngine Engine, Action Call)>();
            foreach (ExactEngine engine in All)
            {
                if (engine.IsAvailable)
                {
                    Action call = run(engine);
                    call();
                    calls.Add((engine, call));
                }
            }

            var best = new double[calls.Count];
            Array.Fill(best, double.MaxValue);
            for (int round = 0; round < 3; round++)
            {
                for (int e = 0; e < calls.Count; e++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    long start = Stopwatch.GetTimestamp(), elapsed;
                    int count = 0;
                    do
                    {
                        calls[e].Call();
                        count++;
                        elapsed = Stopwatch.GetTimestamp() - start;
                    }
                    while (elapsed < Stopwatch.Frequency / 200 && !cancellationToken.IsCancellationRequested);

                    best[e] = Math.Min(best[e], (double)elapsed / Stopwatch.Frequency / count);
                }
            }

            var trials = calls.Select((c, e) => (c.Engine, best[e])).ToList();
            cancellationToken.ThrowIfCancellationRequested();
            return (trials.OrderBy(t => t.Item2).First().Item1, trials);
        }
    }
}
