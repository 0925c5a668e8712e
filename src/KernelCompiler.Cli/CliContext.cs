using System.IO;
using System.Threading;

namespace KernelCompiler.Cli
{
    /// <summary>What a verb needs from its surroundings: where to write, when to stop, whether a person is watching.</summary>
    internal sealed class CliContext
    {
        public CliContext(TextWriter output, TextWriter error, CancellationToken cancellationToken, bool interactive)
        {
            Output = output;
            Error = error;
            CancellationToken = cancellationToken;
            Interactive = interactive;
        }

        /// <summary>Results: the JSON document or the human report.</summary>
        public TextWriter Output { get; }

        /// <summary>Errors and, on a terminal, progress.</summary>
        public TextWriter Error { get; }

        public CancellationToken CancellationToken { get; }

        /// <summary>True when stderr is a terminal of the real console, so a live progress display is welcome.</summary>
        public bool Interactive { get; }
    }
}
