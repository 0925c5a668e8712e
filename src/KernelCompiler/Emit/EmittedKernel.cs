using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using KernelCompiler.Runtime;
using KernelCompiler.Planning;

namespace KernelCompiler.Emit
{
    /// <summary>
    /// A kernel whose model-specific steps were emitted as IL by <see cref="IlKernelEmitter"/>; the block loop and the
    /// tile loop are the runtime's (<see cref="BlockKernelRuntime"/>, <see cref="FusedKernelRuntime"/>), the same ones
    /// every generated kernel calls, over an emitted struct of steps per path (as generated kernels do).
    /// </summary>
    internal sealed class EmittedKernel : LutKernel
    {
        private readonly KernelPlan _plan;
        private readonly EmittedFusedSteps? _fused;
        private readonly EmittedPath[] _paths;
        private readonly KernelRuntimeModel _model;

        /// <param name="plan">The plan the steps were emitted from.</param>
        /// <param name="model">The model as the runtime reads it (the one the steps carry).</param>
        /// <param name="fused">The fused path's steps, or null where the plan or the CPU has no fused path.</param>
        /// <param name="paths">The other paths this CPU runs, widest first.</param>
        internal EmittedKernel(KernelPlan plan, KernelRuntimeModel model, EmittedFusedSteps? fused, EmittedPath[] paths)
            : base(plan.Model)
        {
            _plan = plan;
            _model = model;
            _fused = fused;
            _paths = paths;
        }

        public override string Backend => "emitted";

        /// <summary>The plan the steps were emitted from.</summary>
        internal KernelPlan Plan => _plan;

        /// <summary>The paths this CPU runs, widest first (the plan's paths whose guard holds).</summary>
        internal string PathNames
            => (_fused.HasValue ? KernelPath.Avx512Vbmi.Name + (_paths.Length > 0 ? ", " : "") : "") +
               string.Join(", ", Array.ConvertAll(_paths, p => p.Path.Name));

        /// <summary>The paths this CPU runs after the fused AVX-512 VBMI one, widest first: the block paths (tests read the
        /// emitted steps types through them) and the fused AVX2 path, which also starts at any row.</summary>
        internal IReadOnlyList<EmittedPath> BlockPaths => _paths;

        /// <summary>The fused path's steps, or null.</summary>
        internal EmittedFusedSteps? Fused => _fused;

        /// <summary>The same kernel with other fused steps (tests use it to prove which rows the fused path computes).</summary>
        internal EmittedKernel WithFused(EmittedFusedSteps? fused) => new EmittedKernel(_plan, _model, fused, _paths);

        protected override void EncodeCore(ReadOnlySpan<float> x, int rows, Span<byte> codes, bool columnMajor)
            => Run(KernelOperation.Encode, x, default, rows, columnMajor, codes, default, default);

        protected override void AggregateCore(ReadOnlySpan<byte> codes, int rows, Span<int> sums)
            => Run(KernelOperation.Aggregate, default, codes, rows, false, default, sums, default);

        protected override void MultiplyCore(ReadOnlySpan<float> x, int rows, Span<float> destination, bool columnMajor)
            => Run(KernelOperation.Multiply, x, default, rows, columnMajor, default, default, destination);

        protected override void MultiplyCodesCore(ReadOnlySpan<byte> codes, int rows, Span<float> destination)
            => Run(KernelOperation.MultiplyCodes, default, codes, rows, false, default, default, destination);

        // A partition of column-major rows: the fused path reads its whole tiles in place (the column stride stays N);
        // the last few rows, or the whole partition where there is no fused path, go through the base class's copy.
        protected override void MultiplyColumnMajorRange(ReadOnlySpan<float> x, int rows, int row0, int count, Span<float> destination)
        {
            int done = 0;
            if (_fused is { } fused)
            {
                done = fused.MultiplyRows(x, rows, row0, row0 + count, destination);
            }

            if (done < count)
            {
                base.MultiplyColumnMajorRange(x, rows, row0 + done, count - done, destination.Slice(done * OutputDimension));
            }
        }

        // The fused path where the CPU has it (emitted only where FusedKernelRuntime.IsSupported holds), then whole
        // blocks on the widest supported path, then each narrower one, then single rows.
        private void Run(KernelOperation operation, ReadOnlySpan<float> x, ReadOnlySpan<byte> codesIn, int rows,
            bool columnMajor, Span<byte> codes, Span<int> sums, Span<float> destination)
        {
            int row = 0;
            if (_fused is { } fused)
            {
                row = fused.Run(operation, x, codesIn, rows, columnMajor, codes, sums, destination);
            }

            foreach (EmittedPath path in _paths)
            {
                row = path.Run(operation, x, codesIn, rows, row, columnMajor, codes, sums, destination);
            }
        }
    }

    /// <summary>The emitted steps of one block path: the path and its entry point into the runtime.</summary>
    internal sealed class EmittedPath
    {
        public EmittedPath(KernelPath path, BlockStepsRun run)
        {
            Path = path;
            Run = run;
        }

        public KernelPath Path { get; }

        /// <summary><see cref="BlockKernelRuntime.Run"/> over the path's emitted steps type.</summary>
        public BlockStepsRun Run { get; }
    }
}
