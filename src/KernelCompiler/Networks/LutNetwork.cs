// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using KernelCompiler.IO;

namespace KernelCompiler
{
    /// <summary>
    /// A network: an input adapter, an ordered chain of layers (each a <see cref="LutLayer"/> or an exact
    /// <see cref="DenseLayer"/>, each followed by its activation) and a head. Immutable; every instance has passed
    /// validation: the first layer reads <see cref="NetworkInput.Dimension"/> values and each layer reads what the
    /// previous one writes. Run it with <see cref="NetworkExecutor"/>; store it with <see cref="Save(string)"/>.
    /// </summary>
    public sealed class LutNetwork
    {
        /// <summary>The network file format version this library writes and reads (a version-1 file holds one layer).</summary>
        public const int FormatVersion = 2;

        private readonly NetworkLayer[] _layers;

        /// <summary>Creates a network after checking that its layers chain.</summary>
        /// <param name="name">A name of 1 to <see cref="LutModelLimits.MaxNameLength"/> characters.</param>
        /// <param name="input">The input adapter; its dimension must be the first layer's input dimension.</param>
        /// <param name="layers">1 to <see cref="LutNetworkLimits.MaxLayers"/> layers in order.</param>
        /// <param name="head">What the network is meant to produce.</param>
        /// <param name="outputTransform">The source graph's trailing normalisation, recorded only.</param>
        /// <param name="producer">Free text naming what produced the network, or null.</param>
        /// <param name="source">Where the exact network this one approximates came from, or null.</param>
        /// <exception cref="ArgumentNullException">An argument or a layer is null.</exception>
        /// <exception cref="LutModelException">The layers do not chain, or a count, name or enum is invalid; the
        /// message names the field as it stands in the network file, e.g. <c>$.layers[2].inputDimension</c>.</exception>
        public LutNetwork(string name, NetworkInput input, IReadOnlyList<NetworkLayer> layers,
            NetworkHead head = NetworkHead.Logits, NetworkOutputTransform outputTransform = NetworkOutputTransform.None,
            string? producer = null, NetworkSource? source = null)
        {
            if (name is null) throw new ArgumentNullException(nameof(name));
            if (input is null) throw new ArgumentNullException(nameof(input));
            if (layers is null) throw new ArgumentNullException(nameof(layers));
            _layers = new NetworkLayer[layers.Count];
            for (int i = 0; i < _layers.Length; i++)
            {
                _layers[i] = layers[i] ?? throw new ArgumentNullException(nameof(layers), "Layer " + i + " is null.");
            }

            Validate(null, name, producer, input, _layers, head, outputTransform);
            Name = name;
            Producer = producer;
            Source = source;
            Input = input;
            Head = head;
            OutputTransform = outputTransform;
        }

        /// <summary>The network's name.</summary>
        public string Name { get; }

        /// <summary>Free text naming what produced the network, e.g. <c>kernelc 0.1.0 from model.onnx</c>, or null.</summary>
        public string? Producer { get; }

        /// <summary>The ONNX file the exact network came from, with its SHA-256, or null when not recorded (a network
        /// read from a stream, or a file written before the field existed). <see cref="OnnxImporter.Import(string)"/>
        /// sets it; calibration keeps it; <c>kernelc eval</c> compares with it when no exact network is given.</summary>
        public NetworkSource? Source { get; }

        /// <summary>The input adapter: the source input's shape and how a batch entry flattens to a row.</summary>
        public NetworkInput Input { get; }

        /// <summary>The layers in the order they run.</summary>
        public IReadOnlyList<NetworkLayer> Layers => _layers;

        /// <summary>What the network is meant to produce per row.</summary>
        public NetworkHead Head { get; }

        /// <summary>The source graph's trailing normalisation, recorded but never applied by the executors.</summary>
        public NetworkOutputTransform OutputTransform { get; }

        /// <summary>D: floats a row the network reads.</summary>
        public int InputDimension => Input.Dimension;

        /// <summary>M: floats a row the last layer writes (the logits).</summary>
        public int OutputDimension => _layers[_layers.Length - 1].OutputDimension;

        /// <summary>Whether every layer is a <see cref="DenseLayer"/>, i.e. this is the exact float network.</summary>
        public bool IsExact
        {
            get
            {
                foreach (NetworkLayer layer in _layers)
                {
                    if (layer is not DenseLayer) return false;
                }

                return true;
            }
        }

        /// <summary>A one-layer network around <paramref name="model"/>, what a version-1 file means as a network.</summary>
        /// <param name="model">The layer's model.</param>
        /// <param name="activation">The activation after the layer.</param>
        /// <returns>A network with a flat input of the model's dimension, identity head and the model's name.</returns>
        public static LutNetwork FromModel(LutModel model, LayerActivation activation = LayerActivation.Identity)
        {
            if (model is null) throw new ArgumentNullException(nameof(model));
            return new LutNetwork(model.Name, NetworkInput.Flat(model.InputDimension), new NetworkLayer[] { new LutLayer(model, activation) },
                producer: model.Producer);
        }

        /// <summary>A network with the same input, head, transform and name and other layers, e.g. after calibration.</summary>
        /// <param name="layers">The new layers; they must chain from <see cref="Input"/>.</param>
        /// <param name="producer">The new producer text, or null to keep this one's.</param>
        /// <returns>The new network.</returns>
        public LutNetwork WithLayers(IReadOnlyList<NetworkLayer> layers, string? producer = null)
            => new LutNetwork(Name, Input, layers, Head, OutputTransform, producer ?? Producer, Source);

        /// <summary>The same network with another head.</summary>
        /// <param name="head">The new head.</param>
        /// <returns>The new network.</returns>
        public LutNetwork WithHead(NetworkHead head) => new LutNetwork(Name, Input, _layers, head, OutputTransform, Producer, Source);

        /// <summary>The same network recording another source.</summary>
        /// <param name="source">Where the exact network came from, or null to record none.</param>
        /// <returns>The new network.</returns>
        public LutNetwork WithSource(NetworkSource? source) => new LutNetwork(Name, Input, _layers, Head, OutputTransform, Producer, source);

        /// <summary>Reads and validates a network file; a version-1 (single-layer) file becomes a one-layer network. A
        /// relative <see cref="NetworkSource.OnnxPath"/> is resolved against the file's folder.</summary>
        /// <param name="path">The file.</param>
        /// <returns>The network.</returns>
        /// <exception cref="LutModelException">The file is missing, unreadable, too large, malformed or invalid.</exception>
        public static LutNetwork Load(string path) => LutFile.Load(path).ToNetwork();

        /// <summary>Reads and validates a network document from a stream (UTF-8), read to its end.</summary>
        /// <param name="stream">The document.</param>
        /// <param name="sourceName">Named in error messages, or null.</param>
        /// <returns>The network.</returns>
        /// <exception cref="LutModelException">The document is too large, malformed or invalid.</exception>
        public static LutNetwork Load(Stream stream, string? sourceName = null) => LutFile.Load(stream, sourceName).ToNetwork();

        /// <summary>Parses and validates a network document held in a string.</summary>
        /// <param name="json">The document.</param>
        /// <param name="sourceName">Named in error messages, or null.</param>
        /// <returns>The network.</returns>
        /// <exception cref="LutModelException">The document is malformed or invalid.</exception>
        public static LutNetwork Parse(string json, string? sourceName = null) => LutFile.Parse(json, sourceName).ToNetwork();

        /// <summary>The network as a version-2 network document (docs/model-format.md).</summary>
        /// <returns>The JSON text.</returns>
        public string ToJson() => LutNetworkWriter.Write(this);

        /// <summary>Writes the network document to <paramref name="path"/> through a temporary file, so a reader never
        /// sees half a network. A <see cref="Source"/> in the file's folder or below it is written relative to the folder.</summary>
        /// <param name="path">The file to create or replace.</param>
        public void Save(string path)
        {
            if (path is null) throw new ArgumentNullException(nameof(path));
            string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? "";
            AtomicFile.WriteAllText(path, LutNetworkWriter.Write(this, folder));
        }

        /// <summary>Writes the network document to <paramref name="stream"/> as UTF-8 without a byte-order mark.</summary>
        /// <param name="stream">A writable stream; left open.</param>
        public void Save(Stream stream)
        {
            if (stream is null) throw new ArgumentNullException(nameof(stream));
            byte[] bytes = new UTF8Encoding(false, true).GetBytes(ToJson());
            stream.Write(bytes, 0, bytes.Length);
        }

        /// <summary>The chaining, count and text rules; paths name the field in the network file.</summary>
        internal static void Validate(string? file, string name, string? producer, NetworkInput input,
            NetworkLayer[] layers, NetworkHead head, NetworkOutputTransform outputTransform)
        {
            if (name.Length == 0 || name.Length > LutModelLimits.MaxNameLength)
            {
                throw new LutModelException(file, "$.name", "has " + name.Length + " characters; expected 1 to " +
                    LutModelLimits.MaxNameLength);
            }

            LutModelValidator.ValidateText(file, "$.name", name);
            if (producer is not null)
            {
                if (producer.Length > LutModelLimits.MaxNameLength)
                {
                    throw new LutModelException(file, "$.producer", "has " + producer.Length + " characters; expected at most " +
                        LutModelLimits.MaxNameLength);
                }

                LutModelValidator.ValidateText(file, "$.producer", producer);
            }

            if (input.Name.Length > LutModelLimits.MaxNameLength || input.BatchName.Length > LutModelLimits.MaxNameLength)
            {
                throw new LutModelException(file, "$.input", "a name has more than " + LutModelLimits.MaxNameLength + " characters");
            }

            LutModelValidator.ValidateText(file, "$.input.name", input.Name);
            LutModelValidator.ValidateText(file, "$.input.batch", input.BatchName);
            if (head != NetworkHead.Logits && head != NetworkHead.ArgMax)
            {
                throw new LutModelException(file, "$.head", "value " + (int)head + " is invalid; expected logits or argmax");
            }

            if (outputTransform < NetworkOutputTransform.None || outputTransform > NetworkOutputTransform.LogSoftmax)
            {
                throw new LutModelException(file, "$.outputTransform", "value " + (int)outputTransform +
                    " is invalid; expected none, softmax or logSoftmax");
            }

            if (layers.Length < 1 || layers.Length > LutNetworkLimits.MaxLayers)
            {
                throw new LutModelException(file, "$.layers", "holds " + layers.Length + " layers; expected 1 to " +
                    LutNetworkLimits.MaxLayers);
            }

            int width = input.Dimension;
            for (int i = 0; i < layers.Length; i++)
            {
                if (layers[i].InputDimension != width)
                {
                    throw new LutModelException(file, "$.layers[" + i + "].inputDimension", "value " + layers[i].InputDimension +
                        " is invalid; expected " + width + (i == 0 ? " (the input's flattened size)" : " (the output dimension of layer " + (i - 1) + ")"));
                }

                width = layers[i].OutputDimension;
            }
        }
    }
}
