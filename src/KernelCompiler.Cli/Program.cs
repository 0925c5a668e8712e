using System;
using System.Threading;

namespace KernelCompiler.Cli
{
    internal static class Program
    {
        private static int Main(string[] args)
        {
            // Ctrl+C cancels the running verb (training stops at its next check, nothing half-written is left);
            // a second Ctrl+C ends the process the usual way.
            using var cancellation = new CancellationTokenSource();
            ConsoleCancelEventHandler handler = (_, e) =>
            {
                if (!cancellation.IsCancellationRequested)
                {
                    e.Cancel = true;
                    cancellation.Cancel();
                }
            };
            Console.CancelKeyPress += handler;
            try
            {
                return KernelcApp.Run(args, Console.Out, Console.Error, cancellation.Token, interactive: !Console.IsErrorRedirected);
            }
            finally
            {
                Console.CancelKeyPress -= handler;
            }
        }
    }
}
