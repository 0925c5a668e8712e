using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.OnnxRuntime;

namespace KernelCompiler.Cli
{
    /// <summary>An ONNX model run by ONNX Runtime on one thread (one intra-op and one inter-op thread, sequential
    /// execution, full graph optimisation): the engine a user would pick instead of a LUT network.</summary>
    internal sealed class OnnxRuntimeEngine : IDisposable
    {
        private readonly SessionOptions _options;
        private readonly InferenceSession _session;
        private readonly RunOptions _run = new();
        private readonly string _input;
        private readonly string _output;
        private readonly long[] _inputShape;

        public OnnxRuntimeEngine(string path, LutNetwork network)
        {
            _options = new SessionOptions
            {
                IntraOpNumThreads = 1,
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            };
            try
            {
                _session = new InferenceSession(path, _options);
            }
            catch (OnnxRuntimeException e)
            {
                _options.Dispose();
                throw new ArgumentException("ONNX Runtime cannot load " + path + ": " + e.Message);
            }

            if (_session.InputMetadata.Count != 1 || _session.OutputMetadata.Count < 1)
            {
                Dispose();
                throw new ArgumentException(path + " has " + _session.InputMetadata.Count + " inputs; expected one");
            }

            _input = _session.InputMetadata.Keys.First();
            _output = _session.OutputMetadata.Keys.First();
            _inputShape = new long[network.Input.Shape.Count + 1];
            for (int i = 0; i < network.Input.Shape.Count; i++)
            {
                _inputShape[i + 1] = network.Input.Shape[i];
            }
        }

        /// <summary>"ONNX Runtime 1.32.0 (CPU, 1 thread)".</summary>
        public static string Description => "ONNX Runtime " + Version + " (CPU execution provider, 1 intra-op thread, sequential)";

        /// <summary>The native library's version.</summary>
        public static string Version => OrtEnv.Instance().GetVersionString();

        /// <summary>Runs <paramref name="rows"/> rows of <paramref name="x"/> into <paramref name="y"/> (N × outputs).</summary>
        public void Run(float[] x, int rows, float[] y)
        {
            _inputShape[0] = rows;
            long[] outputShape = { rows, y.Length / Math.Max(1, rows) };
            using OrtValue input = OrtValue.CreateTensorValueFromMemory(x, _inputShape);
            using OrtValue output = OrtValue.CreateTensorValueFromMemory(y, outputShape);
            _session.Run(_run, new[] { _input }, new[] { input }, new[] { _output }, new[] { output });
        }

        public void Dispose()
        {
            _session?.Dispose();
            _run.Dispose();
            _options.Dispose();
        }
    }
}
