using System;
using System.Diagnostics.CodeAnalysis;

namespace KernelCompiler
{
    /// <summary>
    /// Runs a <see cref="LutNetwork"/> with today's per-layer kernels: each LUT layer through a compiled
    /// (<see cref="LutKernel.Compile"/>) or generic (<see cref="LutKernel.CreateGeneric"/>) kernel, each exact layer as
    /// the reference network executor runs it, every activation as <see cref="NetworkLayer.Activate(float)"/> defines
    /// it. The outputs equal <see cref="NetworkExecutor.CreateReference"/>'s bit for bit, because every per-layer
    /// kernel equals the reference kernel bit for bit. Those layers hand each other float rows;
    /// <see cref="CreateFused"/> runs the whole network as one kernel instead.
    /// </summary>
    public static class NetworkKernel
    {
        // Rows a block for the layer-by-layer kernels: enough for the kernels' tiles, small enough that the
        // intermediate rows stay in cache.
        private const int KernelBlockRows = 256;

        /// <summary>An executor whose LUT layers are compiled to IL (backend <c>emitted</c>; a table-driven kernel where
        /// dynamic code is unavailable, as <see cref="LutKernel.Compile"/> does).</summary>
        /// <param name="network">The network.</param>
        /// <param name="options">Kernel options for every LUT layer (instruction set, strategy); null for the defaults.</param>
        /// <returns>An executor, safe to share between threads.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="network"/> is null.</exception>
        [RequiresDynamicCode("Compiles the LUT layers to IL at run time; without dynamic code table-driven kernels are used.")]
        public static NetworkExecutor Compile(LutNetwork network, LutKernelOptions? options = null)
        {
            if (network is null) throw new ArgumentNullException(nameof(network));
            return new ReferenceNetworkExecutor(network, "emitted", model => LutKernel.Compile(model, options), KernelBlockRows);
        }

        /// <summary>An executor whose LUT layers run the generic SIMD kernel (backend <c>generic</c>), which generates
        /// no code.</summary>
        /// <param name="network">The network.</param>
        /// <param name="options">Kernel options for every LUT layer; null for the defaults.</param>
        /// <returns>An executor, safe to share between threads.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="network"/> is null.</exception>
        public static NetworkExecutor CreateGeneric(LutNetwork network, LutKernelOptions? options = null)
        {
            if (network is null) throw new ArgumentNullException(nameof(network));
            return new ReferenceNetworkExecutor(network, "generic", model => LutKernel.CreateGeneric(model, options), KernelBlockRows);
        }

        /// <summary>The whole network as one fused kernel (backend <c>fused</c>, see <see cref="LutNetworkKernel"/>):
        /// integer hand-off between LUT layers, only the outputs the next layer reads, no code generated. Outputs and
        /// classes equal the reference network's bit for bit.</summary>
        /// <param name="network">The network.</param>
        /// <returns>A kernel, safe to share between threads.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="network"/> is null.</exception>
        public static LutNetworkKernel CreateFused(LutNetwork network)
        {
            if (network is null) throw new ArgumentNullException(nameof(network));
            return new LutNetworkKernel(network, 512);
        }
    }
}
