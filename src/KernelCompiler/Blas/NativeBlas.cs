using System;
using System.Runtime.InteropServices;

namespace KernelCompiler.Blas
{
    /// <summary>
    /// The exact float32 product of the benchmarks: <c>cblas_sgemm</c> from OpenBLAS (Debian's libopenblas0), pinned to
    /// one thread. Never the generic <c>libblas.so.3</c>: on a machine without OpenBLAS that is usually the netlib
    /// reference BLAS, ten times slower than an optimised product, and a speedup measured against it says nothing. The
    /// library is looked up once with <see cref="NativeLibrary.TryLoad(string, out IntPtr)"/>, so a machine without it
    /// gets <see cref="IsAvailable"/> false and a reason, never a DllNotFoundException.
    /// </summary>
    internal static unsafe class NativeBlas
    {
        private const int RowMajor = 101;
        private const int NoTrans = 111;
        private const int Trans = 112;

        // OpenBLAS under its Debian alternative name first, then its usual names elsewhere.
        private static readonly string[] Candidates =
        {
            "libopenblas.so.0",
            "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
            "/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0",
            "libopenblas.so",
            "libopenblas.dylib",
            "libopenblas.dll",
        };

        private static readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> Sgemm;

        static NativeBlas()
        {
            foreach (string name in Candidates)
            {
                if (!NativeLibrary.TryLoad(name, out IntPtr handle))
                {
                    continue;
                }

                if (!NativeLibrary.TryGetExport(handle, "cblas_sgemm", out IntPtr sgemm))
                {
                    continue;
                }

                // A library under an OpenBLAS name without OpenBLAS's own calls is not trusted to be OpenBLAS.
                // OPENBLAS_NUM_THREADS set from managed code would not reach the native environment on Unix, so the
                // thread count is set through the library's own call.
                if (!NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out IntPtr setThreads))
                {
                    continue;
                }

                Sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm;
                Library = name;
                ((delegate* unmanaged<int, void>)setThreads)(1);
                IsOpenBlas = true;
                string config = NativeLibrary.TryGetExport(handle, "openblas_get_config", out IntPtr getConfig)
                    ? Marshal.PtrToStringAnsi(((delegate* unmanaged<IntPtr>)getConfig)()) ?? "OpenBLAS"
                    : "OpenBLAS";
                string core = NativeLibrary.TryGetExport(handle, "openblas_get_corename", out IntPtr getCore)
                    ? Marshal.PtrToStringAnsi(((delegate* unmanaged<IntPtr>)getCore)()) ?? ""
                    : "";
                Engine = "OpenBLAS cblas_sgemm, 1 thread per call (" + config.Trim() +
                    (core.Length > 0 && !config.Contains(core, StringComparison.OrdinalIgnoreCase) ? ", core " + core : "") + ")";
                return;
            }

            UnavailableReason = "OpenBLAS not available: none of " + string.Join(", ", Candidates) +
                " could be loaded as OpenBLAS with cblas_sgemm (install Debian's libopenblas0, e.g. bash scripts/install-deps.sh as " +
                "root); the reference libblas.so.3 is never used";
            Engine = "none";
        }

        /// <summary>True when OpenBLAS's <c>cblas_sgemm</c> was loaded.</summary>
        public static bool IsAvailable => Sgemm != null;

        /// <summary>True when the loaded library is OpenBLAS and was set to one thread.</summary>
        public static bool IsOpenBlas { get; }

        /// <summary>The library name that was loaded, or null.</summary>
        public static string? Library { get; }

        /// <summary>What runs the product, for reports: library, version and threading.</summary>
        public static string Engine { get; }

        /// <summary>Why <see cref="IsAvailable"/> is false, in one line; null when it is available.</summary>
        public static string? UnavailableReason { get; }

        /// <summary>
        /// <paramref name="destination"/> (rows × columns, row-major) = A · B, with A rows × depth, row-major, or, when
        /// <paramref name="aColumnMajor"/>, stored depth × rows (the kernels' column-major layout), and B depth × columns,
        /// row-major.
        /// </summary>
        /// <exception cref="InvalidOperationException">OpenBLAS is not available.</exception>
        /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
        public static void Multiply(ReadOnlySpan<float> a, int rows, int depth, bool aColumnMajor, ReadOnlySpan<float> b,
            int columns, Span<float> destination)
        {
            if (Sgemm == null)
            {
                throw new InvalidOperationException(UnavailableReason);
            }

            if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows));
            if (depth <= 0) throw new ArgumentOutOfRangeException(nameof(depth));
            if (columns <= 0) throw new ArgumentOutOfRangeException(nameof(columns));
            if (a.Length < (long)rows * depth) throw new ArgumentException("A is shorter than rows × depth.", nameof(a));
            if (b.Length < (long)depth * columns) throw new ArgumentException("B is shorter than depth × columns.", nameof(b));
            if (destination.Length < (long)rows * columns)
            {
                throw new ArgumentException("Destination is shorter than rows × columns.", nameof(destination));
            }

            if (rows == 0)
            {
                return;
            }

            fixed (float* pa = a)
            fixed (float* pb = b)
            fixed (float* pc = destination)
            {
                // Column-major A is A transposed in row-major terms: op(A) = Aᵀ with leading dimension rows.
                Sgemm(RowMajor, aColumnMajor ? Trans : NoTrans, NoTrans, rows, columns, depth, 1f,
                    pa, aColumnMajor ? rows : depth, pb, columns, 0f, pc, columns);
            }
        }
    }
}
