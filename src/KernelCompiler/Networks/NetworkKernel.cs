using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using KernelCompiler.Emit;
using KernelCompiler.NetworkKernels;

namespace KernelCompiler
{
    /// <summary>
    /// Runs a <see cref="LutNetwork"/>: as one fused kernel (<see cref="Compile"/>, the network's encode compiled to IL;
    /// <see cref="CreateFused"/>, table-driven), or layer by layer with today's per-layer kernels
    /// (<see cref="CompileLayers"/>, <see cref="CreateGeneric"/>): each LUT layer through a compiled
    /// (<see cref="LutKernel.Compile"/>) or generic (<see cref="LutKernel.CreateGeneric"/>) kernel, each exact layer as
    /// the reference network executor runs it, handing each other float rows. Every route's outputs equal
    /// <see cref="NetworkExecutor.CreateReference"/>'s bit for bit.
    /// </summary>
    public static class NetworkKernel
    {
        // Rows a block for the layer-by-layer kernels: enough for the kernels' tiles, small enough that the
        // intermediate rows stay in cache.
        private const int KernelBlockRows = 256;

        /// <summary>The whole network compiled as one fused kernel (backend <c>emitted</c>, see
        /// <see cref="LutNetworkKernel"/>): each LUT layer's encode emitted as IL with its split slots and thresholds
        /// (folded integer thresholds between LUT layers) as constants, run by the fused tile loop; where dynamic code
        /// is unavailable, the table-driven fused kernel (backend <c>fused</c>), as <see cref="LutKernel.Compile"/>
        /// falls back. Outputs and classes equal the reference network's bit for bit.</summary>
        /// <param name="network">The network.</param>
        /// <returns>A kernel, safe to share between threads.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="network"/> is null.</exception>
        [RequiresDynamicCode("Compiles the network to IL at run time; without dynamic code the table-driven fused kernel is returned.")]
        public static LutNetworkKernel Compile(LutNetwork network)
        {
            if (network is null) throw new ArgumentNullException(nameof(network));
            if (!RuntimeFeature.IsDynamicCodeSupported)
            {
                // No dynamic code (NativeAOT): the table-driven fused kernel computes the same results.
                return CreateFused(network);
            }

            return Emit(NetworkPlan.Create(network), 512, permute: true);
        }

        /// <summary>The emitted kernel of <paramref name="plan"/> on at most <paramref name="maxWidth"/>-bit vectors
        /// (tests force every path with it).</summary>
        [RequiresDynamicCode("Emits IL.")]
        internal static LutNetworkKernel Emit(NetworkPlan plan, int maxWidth, bool permute)
            => new LutNetworkKernel(plan, maxWidth, permute, "emitted", IlNetworkEmitter.Emit(plan).Bind);

        /// <summary>An executor that runs the layers one by one, its LUT layers compiled to IL (backend
        /// <c>emitted-layers</c>; table-driven layer kernels where dynamic code is unavailable, as
        /// <see cref="LutKernel.Compile"/> does): the baseline the fused kernel is measured against.</summary>
        /// <param name="network">The network.</param>
        /// <param name="options">Kernel options for every LUT layer (instruction set, strategy); null for the defaults.</param>
        /// <returns>An executor, safe to share between threads.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="network"/> is null.</exception>
        [RequiresDynamicCode("Compiles the LUT layers to IL at run time; without dynamic code table-driven kernels are used.")]
        public static NetworkExecutor CompileLayers(LutNetwork network, LutKernelOptions? options = null)
        {
            if (network is null) throw new ArgumentNullException(nameof(network));
            return new ReferenceNetworkExecutor(network, "emitted-layers", model => LutKernel.Compile(model, options), KernelBlockRows);
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
