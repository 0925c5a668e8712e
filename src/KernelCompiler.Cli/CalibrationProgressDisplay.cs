using System;
using System.Collections.Generic;
using KernelCompiler.Calibration;
using Spectre.Console;

namespace KernelCompiler.Cli
{
    /// <summary>
    /// Shows calibration progress as live bars on stderr when a person is watching a terminal (one bar per layer,
    /// candidate and stage); otherwise nothing, so redirected stderr carries only errors.
    /// </summary>
    internal static class CalibrationProgressDisplay
    {
        public static T Run<T>(CliContext context, Func<IProgress<CalibrationProgress>?, T> calibrate)
        {
            if (!context.Interactive)
            {
                return calibrate(null);
            }

            IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(context.Error) });
            return console.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(progress => calibrate(new Reporter(progress)));
        }

        // Reports may come from worker threads; Spectre's tasks are updated under one lock.
        private sealed class Reporter : IProgress<CalibrationProgress>
        {
            private readonly ProgressContext _progress;
            private readonly Dictionary<string, ProgressTask> _tasks = new();
            private readonly object _gate = new();
            private ProgressTask? _current;

            public Reporter(ProgressContext progress) => _progress = progress;

            public void Report(CalibrationProgress value)
            {
                string key = "layer " + value.Layer + "/" + value.Layers + (value.Codebooks > 0 ? " C = " + value.Codebooks : "") +
                    ": " + value.Stage;
                lock (_gate)
                {
                    if (!_tasks.TryGetValue(key, out ProgressTask? task))
                    {
                        if (_current is not null) _current.Value = _current.MaxValue;
                        task = _progress.AddTask(Markup.Escape(key), autoStart: true, maxValue: Math.Max(1, value.Total));
                        _tasks.Add(key, task);
                    }

                    task.MaxValue = Math.Max(1, value.Total);
                    task.Value = Math.Min(value.Completed, task.MaxValue);
                    _current = task;
                }
            }
        }
    }
}
