using System;
using System.CommandLine;
using System.CommandLine.Parsing;

namespace KernelCompiler.Cli.Commands
{
    /// <summary>The options several verbs share, spelled and described once.</summary>
    internal static class CommonOptions
    {
        public static Option<string> Model() => new("--model")
        {
            Description = "The model file (*.lut.json).",
            HelpName = "m.lut.json",
            Required = true,
        };

        public static Option<string> Input() => new("--input")
        {
            Description = "A: the input rows, a 2-D .npy (N × D; float32, float64 or integers).",
            HelpName = "A.npy",
            Required = true,
        };

        public static Option<string> Weights() => new("--weights")
        {
            Description = "B: the matrix the model approximates a product with, a 2-D .npy (D × M).",
            HelpName = "B.npy",
            Required = true,
        };

        public static Option<string> Bias() => new("--bias")
        {
            Description = "b: a bias added to every row of A · B, a .npy of M values.",
            HelpName = "b.npy",
        };

        public static Option<bool> Json() => new("--json")
        {
            Description = "Print exactly one JSON object on stdout instead of the human report.",
        };

        /// <summary>--backend NAME, refused at parse time (exit 2) with the list when the name is unknown.</summary>
        public static Option<string> Backend()
        {
            var option = new Option<string>("--backend")
            {
                Description = "The kernel that runs the model: " + KernelBackends.Describe() + ".",
                HelpName = "name",
                DefaultValueFactory = _ => KernelBackends.Default,
            };
            option.Validators.Add(result =>
            {
                string? name = result.GetValueOrDefault<string>();
                if (name is null || !KernelBackends.Exists(name))
                {
                    result.AddError(KernelBackends.UnknownMessage(name ?? ""));
                }
            });
            return option;
        }

        /// <summary>An option that only takes one of <paramref name="values"/>, with a one-line error listing them.</summary>
        public static Option<string> OneOf(string name, string description, string defaultValue, params string[] values)
        {
            var option = new Option<string>(name)
            {
                Description = description + " One of: " + string.Join(", ", values) + " (default " + defaultValue + ").",
                HelpName = string.Join("|", values),
                DefaultValueFactory = _ => defaultValue,
            };
            option.Validators.Add(result =>
            {
                string? value = result.GetValueOrDefault<string>();
                if (value is null || Array.IndexOf(values, value) < 0)
                {
                    result.AddError("invalid value '" + value + "' for " + name + "; expected one of: " + string.Join(", ", values));
                }
            });
            return option;
        }

        /// <summary>Adds a range check to a numeric option.</summary>
        public static Option<T> InRange<T>(this Option<T> option, T minimum, T maximum, string what)
            where T : IComparable<T>
        {
            option.Validators.Add(result =>
            {
                if (!HasValue(result))
                {
                    return;
                }

                T value = result.GetValueOrDefault<T>();
                if (value.CompareTo(minimum) < 0 || value.CompareTo(maximum) > 0)
                {
                    result.AddError("invalid value " + value + " for " + option.Name + "; expected " + what);
                }
            });
            return option;
        }

        // A value that failed to convert already has its own error; reading it again would throw.
        private static bool HasValue(OptionResult result) => !System.Linq.Enumerable.Any(result.Errors) && result.Tokens.Count > 0;
    }
}
