using System;
using System.Collections.Generic;
using KernelCompiler.Training;
using Spectre.Console;

namespace KernelCompiler.Cli
{
    /// <summary>
    /// Shows training progress as live bars on stderr when a person is watching a terminal; otherwise shows nothing,
    /// so redirected stderr carries only errors and stdout only results.
    /// </summary>
    internal static class TrainingProgressDisplay
    {
        public static T Run<T>(CliContext context, Func<IProgress<TrainingProgress>?, T> train)
        {
            if (!context.Interactive)
            {
                return train(null);
            }

            IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(context.Error) });
            return console.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(progress => train(new Reporter(progress)));
        }

        // The trainer may report from worker threads; Spectre's tasks are updated under one lock.
        private sealed class Reporter : IProgress<TrainingProgress>
        {
            private readonly ProgressContext _progress;
            private readonly Dictionary<string, ProgressTask> _tasks = new();
            private readonly object _gate = new();
            private ProgressTask? _current;

            public Reporter(ProgressContext progress) => _progress = progress;

            public void Report(TrainingProgress value)
            {
                lock (_gate)
                {
                    if (!_tasks.TryGetValue(value.Stage, out ProgressTask? task))
                    {
                        if (_current is not null) _current.Value = _current.MaxValue;
                        task = _progress.AddTask(Markup.Escape(value.Stage), autoStart: true, maxValue: Math.Max(1, value.Total));
                        _tasks.Add(value.Stage, task);
                    }

                    task.MaxValue = Math.Max(1, value.Total);
                    task.Value = Math.Min(value.Completed, task.MaxValue);
                    _current = task;
                }
            }
        }
    }
}
