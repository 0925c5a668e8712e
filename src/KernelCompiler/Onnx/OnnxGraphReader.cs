using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Onnx;

namespace KernelCompiler
{
    /// <summary>
    /// Turns a parsed ONNX graph into an exact network by walking the one chain from the graph input to the graph
    /// output, node by node, folding each supported node into the layers; anything off that path or outside the
    /// supported forms ends the import with an <see cref="OnnxImportException"/>.
    /// </summary>
    internal sealed class OnnxGraphReader
    {
        private const string Supported = "supported: Gemm (transA = 0), MatMul with a constant right operand, Add of a " +
            "constant bias after MatMul, Relu, Flatten, Reshape to [batch, D], Identity, Dropout, and a final Softmax or " +
            "LogSoftmax over the last axis";

        private const int FloatType = 1;
        private const int Int64Type = 7;
        private const int BoolType = 9;

        private readonly string? _file;
        private readonly ModelProto _model;
        private readonly string? _fallbackName;
        private readonly Dictionary<string, TensorProto> _constants = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        private readonly HashSet<string> _values = new HashSet<string>(StringComparer.Ordinal);
        private readonly List<Layer> _layers = new List<Layer>();

        public OnnxGraphReader(string? file, ModelProto model, string? fallbackName)
        {
            _file = file;
            _model = model;
            _fallbackName = fallbackName;
        }

        public LutNetwork Read()
        {
            GraphProto graph = _model.Graph ?? throw Error("model", "has no graph");
            if (graph.Node.Count > OnnxImportLimits.MaxNodes)
            {
                throw Error("graph", "has " + graph.Node.Count + " nodes; the limit is " + OnnxImportLimits.MaxNodes);
            }

            for (int i = 0; i < graph.Initializer.Count; i++)
            {
                TensorProto tensor = graph.Initializer[i];
                if (tensor.Name.Length == 0)
                {
                    throw Error("initializer #" + i, "has no name");
                }

                Define(tensor.Name, "initializer '" + tensor.Name + "'");
                _constants[tensor.Name] = tensor;
            }

            foreach (SparseTensorProto sparse in graph.SparseInitializer)
            {
                // Defined (so a use is not "dangling") but not a constant this importer reads.
                string sparseName = sparse.Values?.Name ?? "";
                if (sparseName.Length > 0) Define(sparseName, "sparse initializer '" + sparseName + "'");
            }

            var inputs = new List<ValueInfoProto>();
            foreach (ValueInfoProto candidate in graph.Input)
            {
                // Before IR version 4 every initializer was listed among the inputs too.
                if (!_constants.ContainsKey(candidate.Name))
                {
                    inputs.Add(candidate);
                }
            }

            if (inputs.Count != 1)
            {
                throw Error("graph", "has " + inputs.Count + " inputs that are not initializers (" + Names(inputs) +
                    "); exactly one input is supported");
            }

            ValueInfoProto graphInput = inputs[0];
            Define(graphInput.Name, "graph input '" + graphInput.Name + "'");
            for (int i = 0; i < graph.Node.Count; i++)
            {
                NodeProto node = graph.Node[i];
                if (node.Domain.Length > 0 && node.Domain != "ai.onnx")
                {
                    throw NodeError(node, i, "domain '" + node.Domain + "' is not supported; only the default ONNX domain is");
                }

                if (node.OpType == "Constant")
                {
                    ReadConstant(node, i);
                }

                foreach (string output in node.Output)
                {
                    if (output.Length > 0)
                    {
                        if (!_values.Add(output))
                        {
                            throw NodeError(node, i, "its output '" + output + "' has the name of another value; every value must be produced once");
                        }
                    }
                }
            }

            for (int i = 0; i < graph.Node.Count; i++)
            {
                foreach (string used in graph.Node[i].Input)
                {
                    if (used.Length > 0 && !_values.Contains(used))
                    {
                        throw NodeError(graph.Node[i], i, "its input '" + used + "' is produced by no node, initializer or graph input");
                    }
                }
            }

            if (graph.Output.Count != 1)
            {
                throw Error("graph", "has " + graph.Output.Count + " outputs (" + Names(graph.Output) + "); exactly one output is supported");
            }

            ValueInfoProto graphOutput = graph.Output[0];
            if (!_values.Contains(graphOutput.Name))
            {
                throw Error("graph output '" + graphOutput.Name + "'", "is produced by no node");
            }

            NetworkInput input = ReadInput(graphInput);
            NetworkOutputTransform transform = Walk(graph, input, graphOutput.Name);
            if (_layers.Count == 0)
            {
                throw Error("graph", "has no Gemm or MatMul between its input and output: no layer to import; " + Supported);
            }

            CheckOutput(graphOutput);
            var layers = new NetworkLayer[_layers.Count];
            for (int i = 0; i < layers.Length; i++)
            {
                Layer layer = _layers[i];
                layers[i] = DenseLayer.CreateValidated(layer.InputDimension, layer.OutputDimension, layer.Weights, layer.Bias, layer.Activation);
            }

            string name = Text(graph.Name.Length > 0 ? graph.Name : _fallbackName ?? "onnx-network");
            string producerText = (_model.ProducerName + " " + _model.ProducerVersion).Trim();
            string? producer = producerText.Length == 0 ? null : Text("onnx: " + producerText);
            return new LutNetwork(name, input, layers, NetworkHead.Logits, transform, producer);
        }

        private NetworkOutputTransform Walk(GraphProto graph, NetworkInput input, string outputName)
        {
            var consumers = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            for (int i = 0; i < graph.Node.Count; i++)
            {
                NodeProto node = graph.Node[i];
                if (node.OpType == "Constant") continue;
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (string value in node.Input)
                {
                    if (value.Length > 0 && !_constants.ContainsKey(value) && seen.Add(value))
                    {
                        if (!consumers.TryGetValue(value, out List<int>? list))
                        {
                            consumers[value] = list = new List<int>();
                        }

                        list.Add(i);
                    }
                }
            }

            var visited = new bool[graph.Node.Count];
            string current = input.Name;
            int[] shape = ToArray(input.Shape);
            int? fixedBatch = int.TryParse(input.BatchName, NumberStyles.None, CultureInfo.InvariantCulture, out int b) ? b : (int?)null;
            var transform = NetworkOutputTransform.None;
            bool biasOpen = false;
            int previous = -1;
            while (true)
            {
                consumers.TryGetValue(current, out List<int>? next);
                int count = next?.Count ?? 0;
                if (current == outputName)
                {
                    if (count > 0)
                    {
                        throw NodeError(graph.Node[next![0]], next[0], "reads the graph output '" + outputName +
                            "'; the output must be the end of the chain");
                    }

                    break;
                }

                if (count == 0)
                {
                    throw Error("graph", "value '" + current + "' is read by no node, yet the graph output is '" + outputName +
                        "'; only a chain from the input to the output is supported");
                }

                if (count > 1)
                {
                    throw NodeError(graph.Node[next![1]], next[1], "value '" + current + "' feeds " + count +
                        " nodes; only a chain (each value read by one node) is supported, not branches");
                }

                int index = next![0];
                NodeProto node = graph.Node[index];
                if (visited[index])
                {
                    throw NodeError(node, index, "is reached twice: the graph has a cycle");
                }

                visited[index] = true;
                if (node.Output.Count < 1 || node.Output[0].Length == 0 || (node.Output.Count > 1 && node.OpType != "Dropout"))
                {
                    throw NodeError(node, index, "has outputs [" + string.Join(", ", node.Output) +
                        "]; expected exactly one named output (Dropout may add an unused mask)");
                }

                if (transform != NetworkOutputTransform.None)
                {
                    throw NodeError(node, index, "follows " + (transform == NetworkOutputTransform.Softmax ? "Softmax" : "LogSoftmax") +
                        ", which is supported only as the last node");
                }

                bool wasBiasOpen = biasOpen;
                biasOpen = false;
                switch (node.OpType)
                {
                    case "Gemm":
                        Gemm(node, index, current, shape);
                        shape = new[] { _layers[_layers.Count - 1].OutputDimension };
                        break;
                    case "MatMul":
                        MatMul(node, index, current, shape);
                        shape = new[] { _layers[_layers.Count - 1].OutputDimension };
                        biasOpen = true;
                        break;
                    case "Add":
                        AddBias(node, index, current, wasBiasOpen, previous >= 0 ? graph.Node[previous].OpType : null);
                        break;
                    case "Relu":
                        Attributes(node, index);
                        Single(node, index, current, 1);
                        if (_layers.Count == 0)
                        {
                            throw NodeError(node, index, "applies to the graph input; Relu is supported only after a Gemm or MatMul");
                        }

                        _layers[_layers.Count - 1].Activation = LayerActivation.Relu;
                        break;
                    case "Flatten":
                        Attributes(node, index, "axis");
                        Single(node, index, current, 1);
                        long axis = Int(node, index, "axis", 1);
                        if (axis != 1 && axis != 1 - (shape.Length + 1))
                        {
                            throw NodeError(node, index, "axis " + axis + " is not supported; only axis 1 (keep the batch axis, flatten the rest)");
                        }

                        shape = new[] { Product(shape) };
                        break;
                    case "Reshape":
                        Reshape(node, index, current, shape, fixedBatch);
                        shape = new[] { Product(shape) };
                        break;
                    case "Identity":
                        Attributes(node, index);
                        Single(node, index, current, 1);
                        break;
                    case "Dropout":
                        Dropout(node, index, current, consumers, outputName);
                        break;
                    case "Softmax":
                    case "LogSoftmax":
                        Attributes(node, index, "axis");
                        Single(node, index, current, 1);
                        long softmaxAxis = Int(node, index, "axis", -1);
                        if (shape.Length != 1 || (softmaxAxis != -1 && softmaxAxis != 1))
                        {
                            throw NodeError(node, index, "axis " + softmaxAxis + " over a [batch, " + Join(shape) +
                                "] value is not supported; only the last axis of a [batch, M] value");
                        }

                        if (_layers.Count == 0)
                        {
                            throw NodeError(node, index, "applies to the graph input; it is supported only after the last layer");
                        }

                        transform = node.OpType == "Softmax" ? NetworkOutputTransform.Softmax : NetworkOutputTransform.LogSoftmax;
                        break;
                    default:
                        throw NodeError(node, index, "op type " + node.OpType + " is not supported; " + Supported);
                }

                previous = index;
                current = node.Output[0];
            }

            for (int i = 0; i < graph.Node.Count; i++)
            {
                if (!visited[i] && graph.Node[i].OpType != "Constant")
                {
                    throw NodeError(graph.Node[i], i, "is not on the chain from the graph input to the graph output; " +
                        "branches, cycles and side computations are not supported");
                }
            }

            return transform;
        }

        private void Gemm(NodeProto node, int index, string current, int[] shape)
        {
            Attributes(node, index, "alpha", "beta", "transA", "transB", "broadcast");
            if (node.Input.Count < 2 || node.Input.Count > 3)
            {
                throw NodeError(node, index, "has " + node.Input.Count + " inputs; expected A, B and optionally C");
            }

            RequireData(node, index, current, 0);
            if (Int(node, index, "transA", 0) != 0)
            {
                throw NodeError(node, index, "transA = " + Int(node, index, "transA", 0) + " is not supported; only transA = 0 (rows of A are the batch)");
            }

            long transB = Int(node, index, "transB", 0);
            if (transB != 0 && transB != 1)
            {
                throw NodeError(node, index, "transB = " + transB + " is invalid; expected 0 or 1");
            }

            float alpha = Float(node, index, "alpha", 1f), beta = Float(node, index, "beta", 1f);
            int d = FlatWidth(node, index, shape);
            TensorProto b = Constant(node, index, 1, "B");
            int m = WeightShape(node, index, b, d, transB == 1, "B");
            float[] values = Floats(node, index, b, "B", (long)d * m);
            var weights = new float[d * m];
            for (int k = 0; k < d; k++)
            {
                for (int j = 0; j < m; j++)
                {
                    float w = transB == 1 ? values[j * d + k] : values[k * m + j];
                    weights[k * m + j] = alpha == 1f ? w : alpha * w;
                }
            }

            var bias = new float[m];
            if (node.Input.Count == 3 && node.Input[2].Length > 0)
            {
                TensorProto c = Constant(node, index, 2, "C");
                float[] cValues = Floats(node, index, c, "C", BiasCount(node, index, c, m, "C"));
                for (int j = 0; j < m; j++)
                {
                    float v = cValues.Length == 1 ? cValues[0] : cValues[j];
                    bias[j] = beta == 1f ? v : beta * v;
                }
            }

            AddLayer(node, index, d, m, weights, bias);
        }

        private void MatMul(NodeProto node, int index, string current, int[] shape)
        {
            Attributes(node, index);
            if (node.Input.Count != 2)
            {
                throw NodeError(node, index, "has " + node.Input.Count + " inputs; expected 2");
            }

            if (node.Input[0] != current)
            {
                throw NodeError(node, index, "the running value is its right operand; only x · W with a constant right operand W is supported");
            }

            int d = FlatWidth(node, index, shape);
            TensorProto w = Constant(node, index, 1, "the right operand");
            int m = WeightShape(node, index, w, d, false, "the right operand");
            float[] weights = Floats(node, index, w, "the right operand", (long)d * m);
            AddLayer(node, index, d, m, weights, new float[m]);
        }

        private void AddBias(NodeProto node, int index, string current, bool biasOpen, string? previousOp)
        {
            Attributes(node, index, "broadcast");
            if (node.Input.Count != 2)
            {
                throw NodeError(node, index, "has " + node.Input.Count + " inputs; expected 2");
            }

            if (!biasOpen)
            {
                throw NodeError(node, index, "follows " + (previousOp ?? "the graph input") + "; Add is supported only as the " +
                    "constant bias right after a MatMul");
            }

            int other = node.Input[0] == current ? 1 : 0;
            if (node.Input[other] == current)
            {
                throw NodeError(node, index, "adds the running value to itself; only a constant bias is supported");
            }

            Layer layer = _layers[_layers.Count - 1];
            TensorProto c = Constant(node, index, other, "the bias");
            float[] values = Floats(node, index, c, "the bias", BiasCount(node, index, c, layer.OutputDimension, "the bias"));
            for (int j = 0; j < layer.OutputDimension; j++)
            {
                layer.Bias[j] = values.Length == 1 ? values[0] : values[j];
            }

            int bad = DenseLayer.IndexOfNonFinite(layer.Bias);
            if (bad >= 0)
            {
                throw NodeError(node, index, "bias [" + bad + "] is " + Show(layer.Bias[bad]) + "; the bias must be finite");
            }
        }

        private void Reshape(NodeProto node, int index, string current, int[] shape, int? fixedBatch)
        {
            Attributes(node, index, "allowzero", "shape");
            long[] target;
            if (node.Attribute.Count > 0 && Find(node, "shape") is AttributeProto legacy)
            {
                if (legacy.Type != AttributeProto.Types.AttributeType.Ints)
                {
                    throw NodeError(node, index, "attribute 'shape' has type " + legacy.Type + "; expected INTS");
                }

                Single(node, index, current, 1);
                target = new long[legacy.Ints.Count];
                legacy.Ints.CopyTo(target, 0);
            }
            else
            {
                if (node.Input.Count != 2)
                {
                    throw NodeError(node, index, "has " + node.Input.Count + " inputs; expected the data and a constant shape");
                }

                RequireData(node, index, current, 0);
                target = Int64s(node, index, Constant(node, index, 1, "the shape"), "the shape");
            }

            int d = Product(shape);
            bool allowZero = Int(node, index, "allowzero", 0) != 0;
            bool batchOk = target.Length == 2 && (target[0] == -1 || (target[0] == 0 && !allowZero) ||
                (fixedBatch.HasValue && target[0] == fixedBatch.Value));
            bool widthOk = target.Length == 2 && (target[1] == d || (target[1] == -1 && target[0] != -1));
            if (!batchOk || !widthOk)
            {
                throw NodeError(node, index, "reshapes [batch, " + Join(shape) + "] to [" + string.Join(", ", target) +
                    "]; only a reshape to [batch, " + d + "] is supported ([-1, " + d + "], [0, " + d + "] or [0, -1])");
            }
        }

        private void Dropout(NodeProto node, int index, string current, Dictionary<string, List<int>> consumers, string outputName)
        {
            Attributes(node, index, "ratio", "seed", "is_test");
            if (node.Input.Count < 1 || node.Input.Count > 3 || node.Output.Count < 1 || node.Output.Count > 2)
            {
                throw NodeError(node, index, "has " + node.Input.Count + " inputs and " + node.Output.Count +
                    " outputs; expected data, optional ratio and training_mode, and output, optional mask");
            }

            RequireData(node, index, current, 0);
            if (node.Input.Count == 3 && node.Input[2].Length > 0)
            {
                if (!_constants.TryGetValue(node.Input[2], out TensorProto? mode) || mode.DataType != BoolType || !IsFalse(mode))
                {
                    throw NodeError(node, index, "training_mode '" + node.Input[2] + "' is not a constant false; only inference-mode Dropout is supported");
                }
            }

            if (node.Output.Count == 2 && node.Output[1].Length > 0 &&
                (consumers.ContainsKey(node.Output[1]) || node.Output[1] == outputName))
            {
                throw NodeError(node, index, "its mask '" + node.Output[1] + "' is used; only the Dropout's data output may be");
            }
        }

        private void AddLayer(NodeProto node, int index, int d, int m, float[] weights, float[] bias)
        {
            if (_layers.Count >= LutNetworkLimits.MaxLayers)
            {
                throw NodeError(node, index, "would be layer " + (_layers.Count + 1) + "; the limit is " + LutNetworkLimits.MaxLayers);
            }

            int bad = DenseLayer.IndexOfNonFinite(weights);
            if (bad >= 0)
            {
                throw NodeError(node, index, "weight [" + (bad / m) + ", " + (bad % m) + "] is " + Show(weights[bad]) +
                    " (after any alpha); weights must be finite");
            }

            bad = DenseLayer.IndexOfNonFinite(bias);
            if (bad >= 0)
            {
                throw NodeError(node, index, "bias [" + bad + "] is " + Show(bias[bad]) + " (after any beta); the bias must be finite");
            }

            _layers.Add(new Layer(d, m, weights, bias));
        }

        private int FlatWidth(NodeProto node, int index, int[] shape)
        {
            if (shape.Length != 1)
            {
                throw NodeError(node, index, "its input is [batch, " + Join(shape) + "]; " + node.OpType +
                    " is supported on [batch, D] only (add a Flatten before it)");
            }

            return shape[0];
        }

        /// <summary>The output count M of a weight tensor that must be [D, M] (or [M, D] when transposed).</summary>
        private int WeightShape(NodeProto node, int index, TensorProto tensor, int d, bool transposed, string role)
        {
            string expected = transposed ? "[M, " + d + "]" : "[" + d + ", M]";
            if (tensor.Dims.Count != 2 || tensor.Dims[transposed ? 1 : 0] != d)
            {
                throw NodeError(node, index, role + " '" + tensor.Name + "' has shape [" + string.Join(", ", tensor.Dims) +
                    "]; expected " + expected + " for an input of " + d + " values");
            }

            long m = tensor.Dims[transposed ? 0 : 1];
            if (m < 1 || m > LutModelLimits.MaxOutputDimension)
            {
                throw NodeError(node, index, role + " '" + tensor.Name + "' has " + m + " outputs; expected 1 to " + LutModelLimits.MaxOutputDimension);
            }

            if ((long)d * m > LutNetworkLimits.MaxDenseWeights)
            {
                throw NodeError(node, index, role + " '" + tensor.Name + "' has " + ((long)d * m) + " weights; the limit is " +
                    LutNetworkLimits.MaxDenseWeights);
            }

            return (int)m;
        }

        /// <summary>A bias broadcast over the batch: one value, or M values as [M], [1, M] (or [1] / [1, 1] for M = 1).</summary>
        private long BiasCount(NodeProto node, int index, TensorProto tensor, int m, string role)
        {
            long count = 1;
            foreach (long dim in tensor.Dims) count = dim < 0 || dim > LutModelLimits.MaxOutputDimension ? -1 : count * dim;
            bool leadingOnes = true;
            for (int i = 0; i + 1 < tensor.Dims.Count; i++) leadingOnes &= tensor.Dims[i] == 1;
            if (tensor.Dims.Count > 2 || !leadingOnes || (count != 1 && count != m))
            {
                throw NodeError(node, index, role + " '" + tensor.Name + "' has shape [" + string.Join(", ", tensor.Dims) +
                    "]; expected [" + m + "], [1, " + m + "] or a single value");
            }

            return count;
        }

        private void RequireData(NodeProto node, int index, string current, int position)
        {
            if (node.Input.Count <= position || node.Input[position] != current)
            {
                throw NodeError(node, index, "reads the running value '" + current + "' at an input other than its data input");
            }
        }

        private void Single(NodeProto node, int index, string current, int inputs)
        {
            if (node.Input.Count != inputs || node.Output.Count != 1)
            {
                throw NodeError(node, index, "has " + node.Input.Count + " inputs and " + node.Output.Count + " outputs; expected " +
                    inputs + " and 1");
            }

            RequireData(node, index, current, 0);
        }

        private TensorProto Constant(NodeProto node, int index, int position, string role)
        {
            string name = node.Input.Count > position ? node.Input[position] : "";
            if (name.Length == 0 || !_constants.TryGetValue(name, out TensorProto? tensor))
            {
                throw NodeError(node, index, role + " '" + name + "' is not a constant (an initializer or a Constant node's value); " +
                    "only constant weights are supported");
            }

            return tensor;
        }

        private void ReadConstant(NodeProto node, int index)
        {
            if (node.Output.Count != 1 || node.Output[0].Length == 0 || node.Attribute.Count != 1)
            {
                throw NodeError(node, index, "expected one output and one value attribute");
            }

            AttributeProto a = node.Attribute[0];
            var tensor = new TensorProto { Name = node.Output[0] };
            switch (a.Name)
            {
                case "value":
                    if (a.T is null) throw NodeError(node, index, "attribute 'value' holds no tensor");
                    tensor = a.T.Clone();
                    tensor.Name = node.Output[0];
                    break;
                case "value_float":
                    tensor.DataType = FloatType;
                    tensor.FloatData.Add(a.F);
                    break;
                case "value_floats":
                    tensor.DataType = FloatType;
                    tensor.Dims.Add(a.Floats.Count);
                    tensor.FloatData.Add(a.Floats);
                    break;
                case "value_int":
                    tensor.DataType = Int64Type;
                    tensor.Int64Data.Add(a.I);
                    break;
                case "value_ints":
                    tensor.DataType = Int64Type;
                    tensor.Dims.Add(a.Ints.Count);
                    tensor.Int64Data.Add(a.Ints);
                    break;
                default:
                    throw NodeError(node, index, "attribute '" + a.Name + "' is not supported; value, value_float(s) and value_int(s) are");
            }

            _constants[node.Output[0]] = tensor;
        }

        /// <summary>The tensor's float32 values, after checking type, location, shape and that its bytes hold exactly
        /// <paramref name="count"/> values: nothing is allocated on the strength of a declared size alone.</summary>
        private float[] Floats(NodeProto node, int index, TensorProto tensor, string role, long count)
        {
            CheckData(node, index, tensor, role, FloatType, count);
            var values = new float[count];
            if (tensor.RawData.Length > 0)
            {
                byte[] raw = tensor.RawData.ToByteArray();
                for (int i = 0; i < values.Length; i++)
                {
                    if (!BitConverter.IsLittleEndian) Array.Reverse(raw, 4 * i, 4);
                    values[i] = BitConverter.ToSingle(raw, 4 * i);
                }
            }
            else
            {
                tensor.FloatData.CopyTo(values, 0);
            }

            return values;
        }

        private long[] Int64s(NodeProto node, int index, TensorProto tensor, string role)
        {
            long count = tensor.Dims.Count == 1 ? tensor.Dims[0] : -1;
            if (count < 0 || count > LutNetworkLimits.MaxInputRank + 1)
            {
                throw NodeError(node, index, role + " '" + tensor.Name + "' has shape [" + string.Join(", ", tensor.Dims) +
                    "]; expected a vector of at most " + (LutNetworkLimits.MaxInputRank + 1) + " int64 values");
            }

            CheckData(node, index, tensor, role, Int64Type, count);
            var values = new long[count];
            if (tensor.RawData.Length > 0)
            {
                byte[] raw = tensor.RawData.ToByteArray();
                for (int i = 0; i < values.Length; i++)
                {
                    if (!BitConverter.IsLittleEndian) Array.Reverse(raw, 8 * i, 8);
                    values[i] = BitConverter.ToInt64(raw, 8 * i);
                }
            }
            else
            {
                tensor.Int64Data.CopyTo(values, 0);
            }

            return values;
        }

        private void CheckData(NodeProto node, int index, TensorProto tensor, string role, int type, long count)
        {
            string what = role + " '" + tensor.Name + "'";
            if (tensor.DataType != type)
            {
                throw NodeError(node, index, what + " is a " + TypeName(tensor.DataType) + " tensor; only " + TypeName(type) +
                    (type == FloatType ? " weights are supported" : " is supported here"));
            }

            if (tensor.DataLocation == TensorProto.Types.DataLocation.External || tensor.ExternalData.Count > 0)
            {
                throw NodeError(node, index, what + " refers to external data; only tensors stored in the model file are supported");
            }

            long declared = 1;
            foreach (long dim in tensor.Dims)
            {
                if (dim < 0 || dim > LutNetworkLimits.MaxDenseWeights) { declared = -1; break; }
                declared *= dim;
                if (declared > LutNetworkLimits.MaxDenseWeights) { declared = -1; break; }
            }

            if (declared != count)
            {
                throw NodeError(node, index, what + " has shape [" + string.Join(", ", tensor.Dims) + "]; expected " + count + " values");
            }

            int width = type == FloatType ? 4 : 8;
            long held = tensor.RawData.Length > 0 ? tensor.RawData.Length
                : (type == FloatType ? (long)tensor.FloatData.Count : tensor.Int64Data.Count) * width;
            if (held != count * width)
            {
                throw NodeError(node, index, what + " declares " + count + " values (" + count * width + " bytes) but holds " + held + " bytes");
            }
        }

        private static bool IsFalse(TensorProto mode)
        {
            if (mode.ExternalData.Count > 0) return false;
            if (mode.RawData.Length > 0) return mode.RawData.Length == 1 && mode.RawData[0] == 0;
            return mode.Int32Data.Count == 1 && mode.Int32Data[0] == 0;
        }

        private NetworkInput ReadInput(ValueInfoProto value)
        {
            string at = "graph input '" + value.Name + "'";
            TypeProto.Types.Tensor? tensor = value.Type?.TensorType;
            if (tensor is null)
            {
                throw Error(at, "is not a tensor; a float32 tensor [batch, ...] is supported");
            }

            if (tensor.ElemType != FloatType)
            {
                throw Error(at, "is a " + TypeName(tensor.ElemType) + " tensor; only float32 is supported");
            }

            if (tensor.Shape is null || tensor.Shape.Dim.Count < 2)
            {
                throw Error(at, tensor.Shape is null ? "declares no shape; expected [batch, ...]" :
                    "has rank " + tensor.Shape.Dim.Count + "; expected [batch, ...] (rank 2 or more)");
            }

            if (tensor.Shape.Dim.Count - 1 > LutNetworkLimits.MaxInputRank)
            {
                throw Error(at, "has rank " + tensor.Shape.Dim.Count + "; at most " + (LutNetworkLimits.MaxInputRank + 1) + " is supported");
            }

            TensorShapeProto.Types.Dimension batch = tensor.Shape.Dim[0];
            string batchName = batch.HasDimParam && batch.DimParam.Length > 0 ? batch.DimParam
                : batch.HasDimValue ? batch.DimValue.ToString(CultureInfo.InvariantCulture) : "batch";
            var shape = new int[tensor.Shape.Dim.Count - 1];
            for (int i = 0; i < shape.Length; i++)
            {
                TensorShapeProto.Types.Dimension dim = tensor.Shape.Dim[i + 1];
                if (!dim.HasDimValue || dim.DimValue < 1 || dim.DimValue > LutModelLimits.MaxInputDimension)
                {
                    throw Error(at, "axis " + (i + 1) + " is " + (dim.HasDimValue ? dim.DimValue.ToString(CultureInfo.InvariantCulture)
                        : dim.HasDimParam ? "symbolic '" + dim.DimParam + "'" : "unknown") +
                        "; every axis but the batch axis must have a fixed size from 1 to " + LutModelLimits.MaxInputDimension);
                }

                shape[i] = (int)dim.DimValue;
            }

            string? problem = NetworkInput.Check(shape, out _);
            if (problem is not null)
            {
                throw Error(at, problem);
            }

            return new NetworkInput(Text(value.Name), shape, Text(batchName));
        }

        private void CheckOutput(ValueInfoProto value)
        {
            TypeProto.Types.Tensor? tensor = value.Type?.TensorType;
            if (tensor is null) return;
            string at = "graph output '" + value.Name + "'";
            if (tensor.ElemType != 0 && tensor.ElemType != FloatType)
            {
                throw Error(at, "is a " + TypeName(tensor.ElemType) + " tensor; only float32 is supported");
            }

            int m = _layers[_layers.Count - 1].OutputDimension;
            if (tensor.Shape is not null && tensor.Shape.Dim.Count > 0)
            {
                TensorShapeProto.Types.Dimension last = tensor.Shape.Dim[tensor.Shape.Dim.Count - 1];
                if (tensor.Shape.Dim.Count != 2 || (last.HasDimValue && last.DimValue != m))
                {
                    throw Error(at, "declares shape [" + Describe(tensor.Shape) + "]; the chain ends in [batch, " + m + "]");
                }
            }
        }

        private void Attributes(NodeProto node, int index, params string[] known)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (AttributeProto a in node.Attribute)
            {
                if (!seen.Add(a.Name))
                {
                    throw NodeError(node, index, "attribute '" + a.Name + "' appears more than once");
                }

                if (Array.IndexOf(known, a.Name) < 0)
                {
                    throw NodeError(node, index, "attribute '" + a.Name + "' is not supported" +
                        (known.Length == 0 ? "; " + node.OpType + " takes none" : "; " + node.OpType + " takes " + string.Join(", ", known)));
                }
            }
        }

        private static AttributeProto? Find(NodeProto node, string name)
        {
            foreach (AttributeProto a in node.Attribute)
            {
                if (a.Name == name) return a;
            }

            return null;
        }

        private long Int(NodeProto node, int index, string name, long fallback)
        {
            if (Find(node, name) is not AttributeProto a) return fallback;
            if (a.Type != AttributeProto.Types.AttributeType.Int)
            {
                throw NodeError(node, index, "attribute '" + name + "' has type " + a.Type + "; expected INT");
            }

            return a.I;
        }

        private float Float(NodeProto node, int index, string name, float fallback)
        {
            if (Find(node, name) is not AttributeProto a) return fallback;
            if (a.Type != AttributeProto.Types.AttributeType.Float)
            {
                throw NodeError(node, index, "attribute '" + name + "' has type " + a.Type + "; expected FLOAT");
            }

            return a.F;
        }

        private void Define(string name, string what)
        {
            if (!_values.Add(name))
            {
                throw Error(what, "has the name of another value; every value must be produced once");
            }
        }

        private OnnxImportException Error(string location, string problem) => new OnnxImportException(_file, location, problem);

        private OnnxImportException NodeError(NodeProto node, int index, string problem)
            => new OnnxImportException(_file, (node.Name.Length > 0 ? "node '" + node.Name + "'" : "node #" + index) +
                " (" + node.OpType + ")", problem, node.Name, node.OpType);

        private static string TypeName(int type) => type switch
        {
            1 => "float32", 2 => "uint8", 3 => "int8", 4 => "uint16", 5 => "int16", 6 => "int32", 7 => "int64", 8 => "string",
            9 => "bool", 10 => "float16", 11 => "float64", 12 => "uint32", 13 => "uint64", 14 => "complex64",
            15 => "complex128", 16 => "bfloat16", _ => "type-" + type.ToString(CultureInfo.InvariantCulture),
        };

        private static string Show(float value) => value.ToString(CultureInfo.InvariantCulture);

        private static string Names(IEnumerable<ValueInfoProto> values)
        {
            var names = new List<string>();
            foreach (ValueInfoProto v in values) names.Add("'" + v.Name + "'");
            return names.Count == 0 ? "none" : string.Join(", ", names);
        }

        private static string Describe(TensorShapeProto shape)
        {
            var parts = new List<string>();
            foreach (TensorShapeProto.Types.Dimension d in shape.Dim)
            {
                parts.Add(d.HasDimValue ? d.DimValue.ToString(CultureInfo.InvariantCulture) : d.HasDimParam ? d.DimParam : "?");
            }

            return string.Join(", ", parts);
        }

        private static int Product(int[] shape)
        {
            long p = 1;
            foreach (int s in shape) p *= s;
            return (int)p;
        }

        private static string Join(int[] shape) => string.Join(", ", shape);

        private static int[] ToArray(IReadOnlyList<int> list)
        {
            var a = new int[list.Count];
            for (int i = 0; i < a.Length; i++) a[i] = list[i];
            return a;
        }

        /// <summary>Names from a stranger's file, made fit for the network file: at most 256 characters, no unpaired
        /// surrogate or noncharacter, never empty.</summary>
        private static string Text(string text)
        {
            var sb = new StringBuilder(Math.Min(text.Length, LutModelLimits.MaxNameLength));
            for (int i = 0; i < text.Length && sb.Length < LutModelLimits.MaxNameLength; i++)
            {
                char ch = text[i];
                if (char.IsHighSurrogate(ch) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    if (sb.Length + 2 > LutModelLimits.MaxNameLength) break;
                    sb.Append(ch).Append(text[++i]);
                }
                else
                {
                    sb.Append(char.IsSurrogate(ch) || ch is '\uFFFE' or '\uFFFF' ? '?' : ch);
                }
            }

            return sb.Length == 0 ? "onnx-network" : sb.ToString();
        }

        /// <summary>A layer being assembled: a Relu or an Add of a bias may still change it.</summary>
        private sealed class Layer
        {
            public Layer(int inputDimension, int outputDimension, float[] weights, float[] bias)
            {
                InputDimension = inputDimension;
                OutputDimension = outputDimension;
                Weights = weights;
                Bias = bias;
            }

            public int InputDimension { get; }

            public int OutputDimension { get; }

            public float[] Weights { get; }

            public float[] Bias { get; }

            public LayerActivation Activation { get; set; }
        }
    }
}
