using System;
using System.Buffers;
using System.Threading.Tasks;
using KernelCompiler.NetworkKernels;

namespace KernelCompiler
{
    /// <summary>
    /// A whole <see cref="LutNetwork"/> run as one fused kernel (backend <c>fused</c>): a tile of 64 rows goes through
    /// every layer while its codes and 16-bit sums stay in small per-tile buffers. Hidden LUT layers hand the next LUT
    /// layer their integer sums, which it compares with integer thresholds folded from its float thresholds at
    /// construction; each layer computes only the outputs the next layer reads; exact layers run as dense products.
    /// Each LUT layer's encode is code with its thresholds as constants where the network was compiled (backend
    /// <c>emitted</c>, <see cref="NetworkKernel.Compile"/>, or <c>generated</c>, a <c>[LutKernel]</c> network class) and
    /// reads them as data otherwise (backend <c>fused</c>, <see cref="NetworkKernel.CreateFused"/>); tables, dequantisation
    /// and dense weights are data in every backend. Vectorised with 512-, 256- or 128-bit instructions where the CPU has
    /// them. Outputs and classes equal <see cref="NetworkExecutor.CreateReference"/>'s bit for bit.
    /// </summary>
    /// <remarks>Create one with <see cref="NetworkKernel.Compile"/> or <see cref="NetworkKernel.CreateFused"/>. Calls allocate nothing on the managed heap
    /// (scratch comes from <see cref="ArrayPool{T}.Shared"/>); instances are immutable and safe to call from many
    /// threads at once.</remarks>
    public sealed class LutNetworkKernel : NetworkExecutor
    {
        // Rows per partition at least this, as LutKernel's partitioned calls: below it a worker costs more than it saves.
        private const int MinRowsPerPartition = 2048;

        private readonly FusedNetworkRunner _runner;
        private readonly NetworkTiles _tiles;
        private readonly Func<FusedNetworkRunner, NetworkTiles> _bind;

        /// <param name="network">The network.</param>
        /// <param name="maxWidth">The widest vectors to use in bits (tests force narrower paths with it).</param>
        /// <param name="permute">Whether AVX-512 VBMI's 64-byte table lookups may be used.</param>
        internal LutNetworkKernel(LutNetwork network, int maxWidth, bool permute = true)
            : this(NetworkPlan.Create(network), maxWidth, permute, "fused")
        {
        }

        /// <param name="plan">The network's plan (a generated kernel's carries its folded threshold literals).</param>
        /// <param name="maxWidth">The widest vectors to use in bits.</param>
        /// <param name="permute">Whether AVX-512 VBMI's 64-byte table lookups may be used.</param>
        /// <param name="backend">The backend name to report.</param>
        /// <param name="steps">Binds the network's encode steps to a runner; null for the table-driven steps.</param>
        internal LutNetworkKernel(NetworkPlan plan, int maxWidth, bool permute, string backend,
            Func<FusedNetworkRunner, NetworkTiles>? steps = null)
            : base(plan.Network)
        {
            Plan = plan;
            _backend = backend;
            _runner = new FusedNetworkRunner(Plan, maxWidth, permute);
            _bind = steps ?? NetworkTiles.Table;
            _tiles = _bind(_runner);
        }

        /// <summary>The same kernel (plan, steps, backend) on at most <paramref name="maxWidth"/>-bit vectors (tests
        /// force every path with it).</summary>
        internal LutNetworkKernel WithWidth(int maxWidth, bool permute) => new LutNetworkKernel(Plan, maxWidth, permute, _backend, _bind);

        private readonly string _backend;

        /// <summary>The tile runner, for the benchmarks' per-stage profile.</summary>
        internal FusedNetworkRunner Runner => _runner;

        /// <summary>Whether the AVX-512 VBMI table path runs (tests).</summary>
        internal bool Permutes => _runner.Permute;

        /// <summary>"emitted" (<see cref="NetworkKernel.Compile"/>), "generated" (a generated network class) or "fused"
        /// (table-driven).</summary>
        public override string Backend => _backend;

        /// <summary>The vector width in bits the kernel runs on this CPU: 512, 256, 128, or 0 for scalar code.</summary>
        public int VectorWidth => _runner.Width;

        internal NetworkPlan Plan { get; }

        /// <summary>Like <see cref="NetworkExecutor.Multiply"/>, with the rows split into up to
        /// <see cref="ParallelOptions.MaxDegreeOfParallelism"/> contiguous partitions (all cores when it is −1) run in
        /// parallel. Outputs are the same bit for bit: rows are independent.</summary>
        /// <param name="x">N × D inputs, row-major.</param>
        /// <param name="destination">At least N × M floats.</param>
        /// <param name="parallelOptions">The degree of parallelism and a cancellation token.</param>
        /// <exception cref="ArgumentException">The input is not a whole number of rows, or the destination is too short.</exception>
        /// <exception cref="OperationCanceledException">The options' cancellation token was cancelled.</exception>
        public unsafe void Multiply(ReadOnlySpan<float> x, Span<float> destination, ParallelOptions parallelOptions)
        {
            if (parallelOptions is null) throw new ArgumentNullException(nameof(parallelOptions));
            int rows = CheckedRows(x);
            int m = OutputDimension;
            if (destination.Length < (long)rows * m)
            {
                throw new ArgumentException("Destination is too short: " + destination.Length + " elements for " +
                    ((long)rows * m) + " results.", nameof(destination));
            }

            fixed (float* px = x)
            fixed (float* pd = destination)
            {
                nint xa = (nint)px, da = (nint)pd;
                Partition(rows, parallelOptions, (row0, count) => Run((float*)xa, row0, count, (float*)da, null));
            }
        }

        /// <summary>Like <see cref="NetworkExecutor.Predict"/>, with the rows split into contiguous partitions run in
        /// parallel.</summary>
        /// <param name="x">N × D inputs, row-major.</param>
        /// <param name="classes">At least N entries.</param>
        /// <param name="parallelOptions">The degree of parallelism and a cancellation token.</param>
        /// <exception cref="ArgumentException">The input is not a whole number of rows, or <paramref name="classes"/> is too short.</exception>
        /// <exception cref="OperationCanceledException">The options' cancellation token was cancelled.</exception>
        public unsafe void Predict(ReadOnlySpan<float> x, Span<int> classes, ParallelOptions parallelOptions)
        {
            if (parallelOptions is null) throw new ArgumentNullException(nameof(parallelOptions));
            int rows = CheckedRows(x);
            if (classes.Length < rows)
            {
                throw new ArgumentException("Destination is too short: " + classes.Length + " elements for " + rows + " results.",
                    nameof(classes));
            }

            fixed (float* px = x)
            fixed (int* pc = classes)
            {
                nint xa = (nint)px, ca = (nint)pc;
                Partition(rows, parallelOptions, (row0, count) => Run((float*)xa, row0, count, null, (int*)ca));
            }
        }

        /// <inheritdoc />
        protected override unsafe void MultiplyCore(ReadOnlySpan<float> x, int rows, Span<float> destination)
        {
            fixed (float* px = x)
            fixed (float* pd = destination)
            {
                Run(px, 0, rows, pd, null);
            }
        }

        /// <inheritdoc />
        protected override unsafe void PredictCore(ReadOnlySpan<float> x, int rows, Span<int> classes)
        {
            fixed (float* px = x)
            fixed (int* pc = classes)
            {
                Run(px, 0, rows, null, pc);
            }
        }

        /// <summary>Rows <paramref name="row0"/> .. + <paramref name="count"/> − 1: logits into
        /// <paramref name="destination"/> (row-major, indexed from row 0) or classes into <paramref name="classes"/>.</summary>
        private unsafe void Run(float* x, int row0, int count, float* destination, int* classes)
        {
            const int tile = FusedNetworkRunner.TileRows;
            int m = OutputDimension;
            byte[] buffer = ArrayPool<byte>.Shared.Rent(_runner.WorkspaceBytes);
            try
            {
                fixed (byte* pinned = buffer)
                {
                    // Align the tiles to a cache line so vector loads never split one.
                    byte* workspace = (byte*)(((nint)pinned + 63) & ~(nint)63);
                    float* row = _runner.RowScratch(workspace);
                    for (int start = row0; start < row0 + count; start += tile)
                    {
                        int n = Math.Min(tile, row0 + count - start);
                        float* outputs = _tiles.RunTile(x, start, n, workspace);
                        for (int r = 0; r < n; r++)
                        {
                            float* target = destination is null ? row : destination + (nint)(start + r) * m;
                            for (int o = 0; o < m; o++)
                            {
                                target[o] = outputs[o * tile + r];
                            }

                            if (classes is not null)
                            {
                                classes[start + r] = ArgMax(new ReadOnlySpan<float>(row, m));
                            }
                        }
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        private int CheckedRows(ReadOnlySpan<float> x)
        {
            if (x.Length % InputDimension != 0)
            {
                throw new ArgumentException(
                    "Input length " + x.Length + " is not a whole number of rows of " + InputDimension + " values.", nameof(x));
            }

            return x.Length / InputDimension;
        }

        private static void Partition(int rows, ParallelOptions options, Action<int, int> run)
        {
            options.CancellationToken.ThrowIfCancellationRequested();
            int workers = options.MaxDegreeOfParallelism > 0 ? options.MaxDegreeOfParallelism : Environment.ProcessorCount;
            int partitions = Math.Min(workers, Math.Max(1, rows / MinRowsPerPartition));
            if (partitions <= 1)
            {
                run(0, rows);
                return;
            }

            // Boundaries on whole tiles, so every partition but the last runs full tiles.
            int per = (rows / partitions + FusedNetworkRunner.TileRows - 1) / FusedNetworkRunner.TileRows * FusedNetworkRunner.TileRows;
            Parallel.For(0, partitions, options, p =>
            {
                int row0 = Math.Min(rows, p * per);
                int count = Math.Min(rows, row0 + per) - row0;
                if (count > 0)
                {
                    run(row0, count);
                }
            });
        }
    }
}
