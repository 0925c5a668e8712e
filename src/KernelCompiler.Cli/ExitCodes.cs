namespace KernelCompiler.Cli
{
    /// <summary>The process exit codes of kernelc.</summary>
    public static class ExitCodes
    {
        public const int Success = 0;

        /// <summary>A data or model problem: a missing or malformed file, shapes that do not fit.</summary>
        public const int DataError = 1;

        /// <summary>The command line itself is wrong: unknown option, bad value, missing required option.</summary>
        public const int UsageError = 2;

        /// <summary>Interrupted with Ctrl+C (128 + SIGINT, as shells report it).</summary>
        public const int Cancelled = 130;
    }
}
