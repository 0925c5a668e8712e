using System;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace KernelCompiler.Blas
{
    /// <summary>
    /// The exact float32 product from BLIS (Debian's libblis4): <c>cblas_sgemm</c> with B passed transposed (M × D, the
    /// layout BLIS's zen3 kernels run fastest: 103 against 213 ns/row for D = 512, M = 10 on this project's 2-core AMD
    /// EPYC), pinned to one thread. BLIS 0.9 does not recognise every recent AMD core and then falls back to its
    /// generic C kernels (569 ns/row there); when the user has not set <c>BLIS_ARCH_TYPE</c>, an AMD processor with
    /// AVX2 and FMA gets the zen3 kernels. Looked up once; a machine without BLIS gets <see cref="IsAvailable"/> false
    /// and a reason.
    /// </summary>
    internal static unsafe class BlisBlas
    {
        private const int RowMajor = 101;
        private const int NoTrans = 111;
        private const int Trans = 112;

        // BLIS 0.9's arch_t: BLIS_ARCH_ZEN3 is 6 (0 is skx, 3 haswell).
        private const string Zen3ArchType = "6";

        private static readonly string[] Candidates =
        {
            "libblis.so.4",
            "/usr/lib/x86_64-linux-gnu/blis-openmp/libblis.so.4",
            "/usr/lib/x86_64-linux-gnu/blis-pthread/libblis.so.4",
            "/usr/lib/x86_64-linux-gnu/blis-serial/libblis.so.4",
            "libblis.so",
            "libblis.dylib",
        };

        private static readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> Sgemm;

        static BlisBlas()
        {
            foreach (string name in Candidates)
            {
                if (!NativeLibrary.TryLoad(name, out IntPtr handle))
                {
                    continue;
                }

                if (!NativeLibrary.TryGetExport(handle, "cblas_sgemm", out IntPtr sgemm) ||
                    !NativeLibrary.TryGetExport(handle, "bli_thread_set_num_threads", out IntPtr setThreads))
                {
                    continue;
                }

                // BLIS reads BLIS_ARCH_TYPE from the native environment at its first call, which is still ahead.
                bool archSet = SelectZen3WhereUnrecognised();
                ((delegate* unmanaged<long, void>)setThreads)(1);
                Sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm;
                Library = name;
                string arch = "";
                if (NativeLibrary.TryGetExport(handle, "bli_arch_query_id", out IntPtr queryId) &&
                    NativeLibrary.TryGetExport(handle, "bli_arch_string", out IntPtr archString))
                {
                    int id = ((delegate* unmanaged<int>)queryId)();
                    arch = Marshal.PtrToStringAnsi(((delegate* unmanaged<int, IntPtr>)archString)(id)) ?? "";
                }

                string version = NativeLibrary.TryGetExport(handle, "bli_info_get_version_str", out IntPtr getVersion)
                    ? Marshal.PtrToStringAnsi(((delegate* unmanaged<IntPtr>)getVersion)()) ?? ""
                    : "";
                Engine = "BLIS " + version + " cblas_sgemm, B transposed, 1 thread per call (" +
                    (arch.Length > 0 ? arch + " kernels" : "kernels unknown") + (archSet ? ", chosen by kernelc for this AMD CPU" : "") + ")";
                return;
            }

            UnavailableReason = "BLIS not available: none of " + string.Join(", ", Candidates) +
                " could be loaded with cblas_sgemm (install Debian's libblis4, e.g. bash scripts/install-deps.sh as root)";
            Engine = "none";
        }

        /// <summary>True when BLIS's <c>cblas_sgemm</c> was loaded.</summary>
        public static bool IsAvailable => Sgemm != null;

        /// <summary>The library name that was loaded, or null.</summary>
        public static string? Library { get; }

        /// <summary>What runs the product, for reports: library, version, kernels and threading.</summary>
        public static string Engine { get; }

        /// <summary>Why <see cref="IsAvailable"/> is false, in one line; null when it is available.</summary>
        public static string? UnavailableReason { get; }

        /// <summary>
        /// <paramref name="destination"/> (rows × columns, row-major) = A · B, with A rows × depth, row-major, or, when
        /// <paramref name="aColumnMajor"/>, stored depth × rows; <paramref name="bTransposed"/> is B transposed
        /// (columns × depth, row-major).
        /// </summary>
        /// <exception cref="InvalidOperationException">BLIS is not available.</exception>
        /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
        public static void Multiply(ReadOnlySpan<float> a, int rows, int depth, bool aColumnMajor, ReadOnlySpan<float> bTransposed,
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
            if (bTransposed.Length < (long)depth * columns)
            {
                throw new ArgumentException("Bᵀ is shorter than columns × depth.", nameof(bTransposed));
            }

            if (destination.Length < (long)rows * columns)
            {
                throw new ArgumentException("Destination is shorter than rows × columns.", nameof(destination));
            }

            if (rows == 0)
            {
                return;
            }

            fixed (float* pa = a)
            fixed (float* pb = bTransposed)
            fixed (float* pc = destination)
            {
                Sgemm(RowMajor, aColumnMajor ? Trans : NoTrans, Trans, rows, columns, depth, 1f,
                    pa, aColumnMajor ? rows : depth, pb, depth, 0f, pc, columns);
            }
        }

        // True when BLIS_ARCH_TYPE was set here (AMD, AVX2 and FMA, and the user did not set it).
        private static bool SelectZen3WhereUnrecognised()
        {
            if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("BLIS_ARCH_TYPE") is not null ||
                !X86Base.IsSupported || !Avx2.IsSupported || !Fma.IsSupported)
            {
                return false;
            }

            (_, int ebx, int ecx, int edx) = X86Base.CpuId(0, 0);
            bool amd = ebx == 0x68747541 && edx == 0x69746e65 && ecx == 0x444d4163;  // "AuthenticAMD"
            return amd && SetEnv("BLIS_ARCH_TYPE", Zen3ArchType, 1) == 0;
        }

        [DllImport("libc", EntryPoint = "setenv")]
        private static extern int SetEnv([MarshalAs(UnmanagedType.LPStr)] string name, [MarshalAs(UnmanagedType.LPStr)] string value, int overwrite);
    }
}
