using System;

namespace KernelCompiler
{
    /// <summary>
    /// Asks the KernelCompiler source generator to compile a model file into this <c>static partial class</c>: the
    /// thresholds and tables become constants of fully unrolled SIMD code. The file must be an <c>AdditionalFiles</c>
    /// item (the KernelCompiler package adds <c>**/*.lut.json</c> for you); the path is relative to the project.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class LutKernelAttribute : Attribute
    {
        /// <summary>Names the model file to compile into the class.</summary>
        /// <param name="modelPath">The model file, relative to the project directory.</param>
        public LutKernelAttribute(string modelPath)
        {
            ModelPath = modelPath;
        }

        /// <summary>The model file, relative to the project directory, e.g. <c>models/digits.lut.json</c>.</summary>
        public string ModelPath { get; }
    }
}
