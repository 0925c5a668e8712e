using System.Reflection;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace KernelCompiler.TestDriver;

/// <summary>The outcome counts of one run.</summary>
public sealed class RunTotals
{
    public int Passed;
    public int Failed;
    public int Skipped;
}

/// <summary>
/// Discovers and runs xunit v2 tests of an assembly loaded in this process, with xunit's own framework
/// (<see cref="XunitTestFramework"/>), so fixtures, theories, collections and parallelism behave as under
/// <c>dotnet test</c>. Only classes whose full name starts with one of the selected prefixes run.
/// </summary>
public static class InProcessRunner
{
    /// <summary>Runs the selected classes of <paramref name="assembly"/>, printing each failure as it happens.</summary>
    /// <param name="skip">Test display names containing any of these are reported as skipped, not run.</param>
    public static void Run(Assembly assembly, IReadOnlyList<string> classPrefixes, IReadOnlyList<string> skip, RunTotals totals,
        TextWriter output)
    {
        var diagnostics = new NullSink();
        var framework = new XunitTestFramework(diagnostics);
        var discoverer = framework.GetDiscoverer(Reflector.Wrap(assembly));
        var discoveryOptions = new Options();
        discoveryOptions.SetValue("xunit.discovery.PreEnumerateTheories", true);

        var classes = assembly.GetTypes()
            .Where(t => t.IsPublic && classPrefixes.Any(p => (t.FullName ?? "").StartsWith(p, StringComparison.Ordinal)))
            .Select(t => t.FullName!)
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToList();
        var cases = new List<ITestCase>();
        foreach (string type in classes)
        {
            using var sink = new DiscoverySink();
            discoverer.Find(type, includeSourceInformation: false, sink, discoveryOptions);
            sink.Done.WaitOne();
            cases.AddRange(sink.Cases);
        }

        var toRun = new List<ITestCase>();
        foreach (var testCase in cases)
        {
            string? matched = skip.FirstOrDefault(s => testCase.DisplayName.Contains(s, StringComparison.Ordinal));
            if (matched is null)
            {
                toRun.Add(testCase);
            }
            else
            {
                totals.Skipped++;
            }
        }

        output.WriteLine($"{assembly.GetName().Name}: {classes.Count} classes, {cases.Count} tests, {toRun.Count} to run");
        using var executor = framework.GetExecutor(assembly.GetName());
        using var execution = new ExecutionSink(totals, output);
        var executionOptions = new Options();
        executor.RunTests(toRun, execution, executionOptions);
        execution.Done.WaitOne();
    }

    /// <summary>xunit's option bag: unset values read as null, which xunit takes as its defaults.</summary>
    private sealed class Options : ITestFrameworkDiscoveryOptions, ITestFrameworkExecutionOptions
    {
        private readonly Dictionary<string, object?> _values = new();

        public TValue GetValue<TValue>(string name) => _values.TryGetValue(name, out var v) && v is TValue t ? t : default!;

        public void SetValue<TValue>(string name, TValue value) => _values[name] = value;
    }

    private sealed class NullSink : LongLivedMarshalByRefObject, IMessageSink
    {
        public bool OnMessage(IMessageSinkMessage message) => true;
    }

    private sealed class DiscoverySink : LongLivedMarshalByRefObject, IMessageSink, IDisposable
    {
        public List<ITestCase> Cases { get; } = [];

        public ManualResetEvent Done { get; } = new(false);

        public bool OnMessage(IMessageSinkMessage message)
        {
            if (message is ITestCaseDiscoveryMessage found)
            {
                lock (Cases) Cases.Add(found.TestCase);
            }
            else if (message is IDiscoveryCompleteMessage)
            {
                Done.Set();
            }

            return true;
        }

        public void Dispose() => Done.Dispose();
    }

    private sealed class ExecutionSink(RunTotals totals, TextWriter output) : LongLivedMarshalByRefObject, IMessageSink, IDisposable
    {
        public ManualResetEvent Done { get; } = new(false);

        public bool OnMessage(IMessageSinkMessage message)
        {
            lock (totals)
            {
                switch (message)
                {
                    case ITestPassed:
                        totals.Passed++;
                        break;
                    case ITestFailed failed:
                        totals.Failed++;
                        Report("FAIL " + failed.Test.DisplayName, failed);
                        break;
                    case ITestSkipped skipped:
                        totals.Skipped++;
                        output.WriteLine("SKIP " + skipped.Test.DisplayName + ": " + skipped.Reason);
                        break;
                    case IFailureInformation failure:
                        // A fixture, class or collection cleanup, or the runner itself, failed outside any one test.
                        totals.Failed++;
                        Report("ERROR " + message.GetType().Name, failure);
                        break;
                    case ITestAssemblyFinished:
                        Done.Set();
                        break;
                }
            }

            return true;
        }

        private void Report(string title, IFailureInformation failure)
        {
            output.WriteLine(title);
            for (int i = 0; i < failure.Messages.Length; i++)
            {
                output.WriteLine("  " + failure.ExceptionTypes[i] + ": " + failure.Messages[i]);
                if (i < failure.StackTraces.Length && failure.StackTraces[i] is { Length: > 0 } trace)
                {
                    output.WriteLine("  " + trace.Replace("\n", "\n  "));
                }
            }

            output.Flush();
        }

        public void Dispose() => Done.Dispose();
    }
}
