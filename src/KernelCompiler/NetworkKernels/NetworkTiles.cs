using System;
using KernelCompiler.Runtime;

namespace KernelCompiler.NetworkKernels
{
    /// <summary>A fused network runner bound to the network's encode steps: one virtual call a tile into the runner's
    /// tile loop compiled for the steps struct (so the JIT specialises the loop and inlines the steps).</summary>
    internal abstract class NetworkTiles
    {
        protected NetworkTiles(FusedNetworkRunner runner)
        {
            Runner = runner;
        }

        /// <summary>The runner (widths, layouts, tables).</summary>
        public FusedNetworkRunner Runner { get; }

        /// <summary>Runs one tile; see <see cref="FusedNetworkRunner.RunTile"/>.</summary>
        public abstract unsafe float* RunTile(float* x, int row0, int count, byte* workspace);

        /// <summary>The table-driven steps over <paramref name="runner"/>.</summary>
        public static NetworkTiles Table(FusedNetworkRunner runner)
            => new NetworkTiles<TableNetworkSteps>(runner, new TableNetworkSteps(runner));

        /// <summary>A binder for a stateless steps struct (generated or emitted): its default value over any runner.</summary>
        public static Func<FusedNetworkRunner, NetworkTiles> For<TSteps>()
            where TSteps : struct, INetworkKernelSteps
            => runner => new NetworkTiles<TSteps>(runner, default);
    }

    /// <summary><see cref="NetworkTiles"/> over <typeparamref name="TSteps"/>.</summary>
    internal sealed class NetworkTiles<TSteps> : NetworkTiles
        where TSteps : struct, INetworkKernelSteps
    {
        private TSteps _steps;

        public NetworkTiles(FusedNetworkRunner runner, TSteps steps)
            : base(runner)
        {
            _steps = steps;
        }

        public override unsafe float* RunTile(float* x, int row0, int count, byte* workspace)
            => Runner.RunTile(ref _steps, x, row0, count, workspace);
    }
}
