using System;

namespace KernelCompiler.Training
{
    /// <summary>Counts the steps of one training stage and reports them, at most about 200 times per stage so a
    /// display is never flooded, always at 0 and at the end.</summary>
    internal sealed class StageProgress
    {
        private readonly IProgress<TrainingProgress>? _progress;
        private readonly string _stage;
        private readonly int _total;
        private readonly int _every;
        private int _completed;
        private int _reported;

        public StageProgress(IProgress<TrainingProgress>? progress, string stage, int total)
        {
            _progress = progress;
            _stage = stage;
            _total = Math.Max(1, total);
            _every = Math.Max(1, _total / 200);
            _progress?.Report(new TrainingProgress(_stage, 0, _total));
        }

        public void Advance(int steps = 1)
        {
            _completed = Math.Min(_total, _completed + steps);
            if (_progress is not null && (_completed - _reported >= _every || _completed == _total) && _completed != _reported)
            {
                _reported = _completed;
                _progress.Report(new TrainingProgress(_stage, _completed, _total));
            }
        }

        /// <summary>Marks the stage done (reports Total of Total once).</summary>
        public void Complete() => Advance(_total);
    }
}
