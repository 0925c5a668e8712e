using System;
using KernelCompiler.IO;

namespace KernelCompiler.Cli
{
    /// <summary>A row-major float matrix read from a .npy file, with the file it came from for messages.</summary>
    internal sealed class Matrix
    {
        public Matrix(string path, float[] values, int rows, int columns)
        {
            Path = path;
            Values = values;
            Rows = rows;
            Columns = columns;
        }

        public string Path { get; }

        public float[] Values { get; }

        public int Rows { get; }

        public int Columns { get; }

        /// <summary>"X.npy (450 × 64)" for messages.</summary>
        public string Describe() => Path + " (" + Rows + " × " + Columns + ")";
    }

    /// <summary>Reads the .npy operands of the verbs and checks that their shapes fit together, naming both files
    /// when they do not.</summary>
    internal static class DataFiles
    {
        /// <summary>A 2-D array: A (N × D) or B (D × M).</summary>
        public static Matrix ReadMatrix(string path, string role)
        {
            NpyArray array = NpyFile.Read(path);
            if (array.Shape.Length != 2)
            {
                throw new NpyFormatException(path, "expected a 2-D array (" + role + "); the shape is " + ShapeText(array.Shape));
            }

            return new Matrix(path, array.ToSingle(), array.Shape[0], array.Shape[1]);
        }

        /// <summary>A bias: M values, as shape (M,) or (1, M).</summary>
        public static float[] ReadBias(string path, Matrix weights)
        {
            NpyArray array = NpyFile.Read(path);
            bool fits = array.Shape.Length switch
            {
                1 => array.Shape[0] == weights.Columns,
                2 => array.Shape[0] == 1 && array.Shape[1] == weights.Columns,
                _ => false,
            };
            if (!fits)
            {
                throw new ArgumentException(path + " has shape " + ShapeText(array.Shape) + " but the weights " + weights.Describe() +
                    " need a bias of " + weights.Columns + " values, shape (" + weights.Columns + ",)");
            }

            return array.ToSingle();
        }

        /// <summary>Class labels: N integers, as shape (N,) or (N, 1).</summary>
        public static int[] ReadLabels(string path, Matrix input)
        {
            NpyArray array = NpyFile.Read(path);
            bool fits = array.Shape.Length switch
            {
                1 => array.Shape[0] == input.Rows,
                2 => array.Shape[0] == input.Rows && array.Shape[1] == 1,
                _ => false,
            };
            if (!fits)
            {
                throw new ArgumentException(path + " has shape " + ShapeText(array.Shape) + " but the input " + input.Describe() +
                    " needs one label per row, shape (" + input.Rows + ",)");
            }

            return array.ToInt32();
        }

        /// <summary>A (N × D) times B (D × M): the inner dimensions must agree.</summary>
        public static void CheckProduct(Matrix input, Matrix weights)
        {
            if (input.Columns != weights.Rows)
            {
                throw new ArgumentException("the input " + input.Describe() + " has " + input.Columns + " columns but the weights " +
                    weights.Describe() + " have " + weights.Rows + " rows; A (N × D) · B (D × M) needs them equal");
            }
        }

        public static void CheckHasRows(Matrix input)
        {
            if (input.Rows == 0)
            {
                throw new ArgumentException("the input " + input.Describe() + " has no rows");
            }
        }

        /// <summary>The input must have the model's D columns.</summary>
        public static void CheckInput(Matrix input, LutModel model, string modelPath)
        {
            if (input.Columns != model.InputDimension)
            {
                throw new ArgumentException("the input " + input.Describe() + " has " + input.Columns + " columns but the model " +
                    modelPath + " expects " + model.InputDimension + " (D × M = " + model.InputDimension + " × " + model.OutputDimension + ")");
            }
        }

        /// <summary>The weights must be the D × M matrix the model approximates.</summary>
        public static void CheckWeights(Matrix weights, LutModel model, string modelPath)
        {
            if (weights.Rows != model.InputDimension || weights.Columns != model.OutputDimension)
            {
                throw new ArgumentException("the weights " + weights.Describe() + " do not match the model " + modelPath +
                    " (D × M = " + model.InputDimension + " × " + model.OutputDimension + ")");
            }
        }

        /// <summary>Refuses an output path whose directory does not exist, naming the directory (the atomic writers would
        /// otherwise fail on their temporary file's name).</summary>
        public static void CheckOutputDirectory(string path, string option)
        {
            string full = System.IO.Path.GetFullPath(path);
            string? directory = System.IO.Path.GetDirectoryName(full);
            if (directory is not null && !System.IO.Directory.Exists(directory))
            {
                throw new System.IO.DirectoryNotFoundException("cannot write " + option + " " + path + ": the directory " + directory +
                    " does not exist (create it first)");
            }

            if (System.IO.Directory.Exists(full))
            {
                throw new System.IO.IOException("cannot write " + option + " " + path + ": it is a directory; give a file name");
            }
        }

        private static string ShapeText(int[] shape) => "(" + string.Join(", ", shape) + (shape.Length == 1 ? ",)" : ")");
    }
}
