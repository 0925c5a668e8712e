// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System;

namespace KernelCompiler.Emit
{
    /// <summary>Where the C# writer puts a kernel: namespace, class, accessibility and the model file it names.</summary>
    /// <remarks>Linked into the netstandard2.0 generator: keep it free of APIs newer than netstandard2.0.</remarks>
    internal sealed class KernelSourceInfo
    {
        public KernelSourceInfo(string className, string? @namespace = null, string accessibility = "public",
            string? modelPath = null, bool allowUnsafeBlocks = false)
        {
            if (string.IsNullOrEmpty(className)) throw new ArgumentException("A class name is required.", nameof(className));
            if (accessibility != "public" && accessibility != "internal")
            {
                throw new ArgumentException("Accessibility must be public or internal.", nameof(accessibility));
            }

            ClassName = className;
            Namespace = string.IsNullOrEmpty(@namespace) ? null : @namespace;
            Accessibility = accessibility;
            ModelPath = modelPath;
            AllowUnsafeBlocks = allowUnsafeBlocks;
        }

        /// <summary>The class the kernel is written into (a <c>static partial class</c>).</summary>
        public string ClassName { get; }

        /// <summary>The namespace, or null for the global namespace.</summary>
        public string? Namespace { get; }

        /// <summary><c>public</c> or <c>internal</c>.</summary>
        public string Accessibility { get; }

        /// <summary>The model file as the attribute names it, shown in the header; may be null.</summary>
        public string? ModelPath { get; }

        /// <summary>Whether the consuming project allows unsafe code: the C# compiler accepts
        /// <c>[SkipLocalsInit]</c> only then, so the writer adds it only then.</summary>
        public bool AllowUnsafeBlocks { get; }
    }
}
