using System;
using System.IO;
using System.Linq;
using KernelCompiler.IO;

namespace KernelCompiler.Cli
{
    /// <summary>Reads what the network verbs take: network files, exact networks (ONNX or an all-dense network file)
    /// and input rows shaped [N, D] or [N, …] as the network's input.</summary>
    internal static class NetworkFiles
    {
        /// <summary>The network a model file holds, or null for a single-layer (version 1) model file.</summary>
        /// <exception cref="LutModelException">The file is neither; for a document that is not a network file the
        /// single-layer reader's message is kept, as the verbs gave it before they read networks.</exception>
        public static LutNetwork? LoadNetworkOrNull(string path)
        {
            try
            {
                return LutFile.Load(path).Network;
            }
            catch (LutModelException) when (SingleLayerError(path) is LutModelException modelError)
            {
                throw new LutModelException(modelError.FilePath, modelError.JsonPath, modelError.Problem, modelError);
            }
        }

        // What the single-layer reader says of a file, unless it only points to the network loader (or has nothing to say).
        private static LutModelException? SingleLayerError(string path)
        {
            try
            {
                LutModel.Load(path);
                return null;
            }
            catch (LutModelException e)
            {
                return e.Problem.StartsWith("version 2 is a network file", StringComparison.Ordinal) ? null : e;
            }
        }

        /// <summary>An exact network: imported from a <c>.onnx</c> file, or an all-dense network file.</summary>
        public static LutNetwork LoadExact(string path)
        {
            if (path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            {
                return OnnxImporter.Import(path);
            }

            LutNetwork network = LutNetwork.Load(path);
            if (!network.IsExact)
            {
                throw new ArgumentException(path + " holds LUT layers; the exact network must be the .onnx file or a " +
                    "network file whose layers are all dense");
            }

            return network;
        }

        /// <summary>Rows for <paramref name="network"/>: a .npy of shape [N, D] or [N, s1, s2, …] equal to the network's
        /// input shape, flattened row-major to N × D.</summary>
        public static Matrix ReadRows(string path, LutNetwork network, string what)
        {
            NpyArray array = NpyFile.Read(path);
            int[] shape = array.Shape;
            int d = network.InputDimension;
            bool flat = shape.Length == 2 && shape[1] == d;
            bool shaped = shape.Length == network.Input.Shape.Count + 1 &&
                shape.Skip(1).SequenceEqual(network.Input.Shape);
            if (!flat && !shaped)
            {
                string input = "[N, " + string.Join(", ", network.Input.Shape) + "]";
                throw new ArgumentException(path + " (" + what + ") has shape " + Text(shape) + " but the network '" +
                    network.Name + "' takes rows of " + d + " values: expected [N, " + d + "]" +
                    (network.Input.Shape.Count > 1 ? " or " + input : ""));
            }

            if (shape[0] == 0)
            {
                throw new ArgumentException(path + " (" + what + ") has no rows");
            }

            return new Matrix(path, array.ToSingle(), shape[0], d);
        }

        /// <summary>The network file's layers in one line each, e.g. "784 × 512 LUT C = 128, relu".</summary>
        public static string Describe(NetworkLayer layer) => layer.InputDimension + " × " + layer.OutputDimension + " " +
            (layer is LutLayer lut ? "LUT C = " + lut.Model.Codebooks : "exact dense") +
            (layer.Activation == LayerActivation.Relu ? ", relu" : "");

        public static string Text(int[] shape) => "[" + string.Join(", ", shape) + "]";

        /// <summary>Fails early, before a long calibration, when the output's directory does not exist.</summary>
        public static void CheckWritable(string path)
        {
            string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (directory is not null && !Directory.Exists(directory))
            {
                throw new IOException("cannot write " + path + ": the directory " + directory + " does not exist");
            }
        }
    }
}
