using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using System.Threading;
using KernelCompiler.Blas;

namespace KernelCompiler.Cli
{
    /// <summary>
    /// The exact product every verb times the kernel against: the engine named by <c>--exact-engine</c>, or with
    /// <c>auto</c> (the default) the fastest engine this machine has for the problem at hand, timed on it. One
    /// choice for eval, bench and sweep, so their speedups mean the same thing.
    /// </summary>
    internal sealed class ExactBaseline
    {
        private ExactBaseline(ExactEngine engine, string description, ExactMultiply multiply)
        {
            Engine = engine;
            Description = description;
            Multiply = multiply;
        }

        /// <summary>The engine that runs.</summary>
        public ExactEngine Engine { get; }

        /// <summary>What ran and why it was chosen, for reports.</summary>
        public string Description { get; }

        /// <summary>The product, B bound in.</summary>
        public ExactMultiply Multiply { get; }

        /// <summary>The <c>--exact-engine</c> option, refused at parse time (exit 2) with the list when unknown.</summary>
        public static Option<string> CreateOption()
        {
            var option = new Option<string>("--exact-engine", "-x")
            {
                Description = "The exact float32 product the kernel is timed against: auto (the fastest this machine has, " +
                    "timed on this problem), openblas, blis (B transposed) or managed (KernelCompiler's blocked SIMD product). " +
                    "A reference BLAS (netlib libblas.so.3) is never used.",
                HelpName = string.Join("|", ExactEngines.Names),
                DefaultValueFactory = _ => ExactEngines.Auto,
            };
            option.Validators.Add(result =>
            {
                string? name = result.GetValueOrDefault<string>();
                if (name is null || !ExactEngines.Names.Contains(name))
                {
                    result.AddError("unknown exact engine '" + name + "'; available: " + string.Join(", ", ExactEngines.Names));
                }
            });
            return option;
        }

        /// <summary>
        /// Resolves <paramref name="name"/> for B (depth × columns, row-major). With <c>auto</c>, <paramref name="sample"/>
        /// runs the bound product on the caller's own data (<paramref name="sampleRows"/> rows) and the fastest engine wins.
        /// </summary>
        /// <exception cref="UsageException">The named engine is not available on this machine.</exception>
        public static ExactBaseline Resolve(string name, float[] b, int depth, int columns, int sampleRows, Action<ExactMultiply> sample,
            CancellationToken cancellationToken)
        {
            float[] bTransposed = DenseProduct.Transpose(b, depth, columns);
            if (name != ExactEngines.Auto)
            {
                ExactEngine named = ExactEngines.Find(name) ?? throw new UsageException(
                    "unknown exact engine '" + name + "'; available: " + string.Join(", ", ExactEngines.Names));
                if (named.UnavailableReason is string reason)
                {
                    throw new UsageException("--exact-engine " + name + ": " + reason);
                }

                return new ExactBaseline(named, named.Description, named.Bind(b, bTransposed, depth, columns));
            }

            var bound = new Dictionary<ExactEngine, ExactMultiply>();
            (ExactEngine fastest, IReadOnlyList<(ExactEngine Engine, double Seconds)> trials) = ExactEngines.PickFastest(engine =>
            {
                ExactMultiply multiply = engine.Bind(b, bTransposed, depth, columns);
                bound[engine] = multiply;
                return () => sample(multiply);
            }, cancellationToken);
            string others = trials.Count == 1
                ? "the only exact engine here: " + string.Join("; ", ExactEngines.All.Where(e => !e.IsAvailable).Select(e => e.UnavailableReason))
                : "fastest of " + string.Join(", ", trials.Select(t => t.Engine.Name + " " + (t.Seconds * 1e9 / sampleRows).ToString("0.#") + " ns/row"));
            return new ExactBaseline(fastest, fastest.Description + "; " + others, bound[fastest]);
        }

    }
}
