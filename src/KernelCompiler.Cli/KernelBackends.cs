using System;
using System.Collections.Generic;
using System.Linq;

namespace KernelCompiler.Cli
{
    /// <summary>
    /// The kernels `--backend` can choose, by the name the command line spells. A new backend is one line in
    /// <see cref="All"/>; every verb that runs a kernel picks it up, and an unknown name is refused with the list.
    /// </summary>
    internal static class KernelBackends
    {
        /// <summary>What every verb runs unless told otherwise: the fastest correct kernel, as the library's
        /// <see cref="LutKernel.Compile"/> picks it.</summary>
        public const string Default = "auto";

        private static readonly KernelBackend[] All =
        {
            new("auto", "what LutKernel.Compile gives: the fastest correct kernel here, emitted where dynamic code runs, else generic",
                m => LutKernel.Compile(m)),
            new("reference", "the scalar oracle: slow, obviously correct", LutKernel.CreateReference),
            new("generic", "the table-driven SIMD kernel: the model read as data, no code generation", m => LutKernel.CreateGeneric(m)),
            new("emitted", "the model compiled to IL at run time, thresholds and tables as constants", m => LutKernel.Compile(m)),
            new("generated", "the [LutKernel] class compiled into kernelc for this model, if one ships (kernels/models)", Generated),
            new("fused", "network files only: the whole network as one kernel, integer hand-off between LUT layers (what auto runs on a network)",
                _ => throw new UsageException("--backend fused runs network files; for a single-layer model use auto, emitted or generic")),
        };

        public static IReadOnlyList<string> Names { get; } = All.Select(b => b.Name).ToArray();

        /// <summary>The names with what each is, for --help.</summary>
        public static string Describe() => string.Join("; ", All.Select(b => b.Name + " (" + b.Description + ")"));

        public static bool Exists(string name) => All.Any(b => b.Name == name);

        /// <summary>One line naming the unknown backend and every known one.</summary>
        public static string UnknownMessage(string name)
            => "unknown backend '" + name + "'; available: " + string.Join(", ", Names);

        /// <summary>Builds the named kernel for <paramref name="model"/>.</summary>
        /// <exception cref="UsageException">No backend has that name.</exception>
        public static LutKernel Create(string name, LutModel model)
        {
            foreach (KernelBackend backend in All)
            {
                if (backend.Name == name)
                {
                    return backend.Create(model);
                }
            }

            throw new UsageException(UnknownMessage(name));
        }

        private static LutKernel Generated(LutModel model)
            => Kernels.ShippedKernels.Find(model) ?? throw new UsageException("no generated kernel ships for model '" + model.Name +
                "' (sha256 " + model.ComputeSha256().Substring(0, 12) + "…); kernelc has " + string.Join(", ", Kernels.ShippedKernels.Names) +
                ". Use --backend emitted to compile this model at run time");

        private sealed record KernelBackend(string Name, string Description, Func<LutModel, LutKernel> Create);
    }
}
