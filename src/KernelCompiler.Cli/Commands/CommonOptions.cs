using System;
using System.CommandLine;
using System.Globalization;

namespace KernelCompiler.Cli.Commands
{
    /// <summary>The options several verbs share, spelled and described once.</summary>
    internal static class CommonOptions
    {
        public static Option<string> Model() => new("--model", "-m")
        {
            Description = "The model file (*.lut.json).",
            HelpName = "m.lut.json",
            Required = true,
        };

        public static Option<string> Input() => new("--input", "-i")
        {
            Description = "A: the input rows, a 2-D .npy (N × D; float32, float64 or integers).",
            HelpName = "A.npy",
            Required = true,
        };

        public static Option<string> Weights() => new("--weights", "-w")
        {
            Description = "B: the matrix the model approximates a product with, a 2-D .npy (D × M).",
            HelpName = "B.npy",
            Required = true,
        };

        public static Option<string> Bias() => new("--bias", "-b")
        {
            Description = "b: a bias added to every row of A · B, a .npy of M values.",
            HelpName = "b.npy",
        };

        /// <summary>-l/--labels: one class label per row of A.</summary>
        public static Option<string> Labels(string description) => new("--labels", "-l")
        {
            Description = description,
            HelpName = "y.npy",
        };

        /// <summary>-o/--output for a model file: must end in .lut.json (the package's build targets pick up only those).</summary>
        public static Option<string> ModelOutput(string description)
        {
            var option = new Option<string>("--output", "-o") { Description = description, HelpName = "model.lut.json", Required = true };
            option.Validators.Add(result =>
            {
                string? path = result.GetValueOrDefault<string>();
                if (path is not null && !path.EndsWith(".lut.json", StringComparison.OrdinalIgnoreCase))
                {
                    result.AddError("--output '" + path + "' does not end in .lut.json; model files must, because the KernelCompiler " +
                        "package's build targets pick up only *.lut.json (e.g. --output " + SuggestModelName(path) + ")");
                }
            });
            return option;
        }

        private static string SuggestModelName(string path)
        {
            string stem = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? path.Substring(0, path.Length - 5) : path;
            return (stem.Length == 0 ? "model" : stem) + ".lut.json";
        }

        public static Option<bool> Json() => new("--json")
        {
            Description = "Print exactly one JSON object on stdout instead of the human report.",
        };

        /// <summary>--backend NAME, refused at parse time (exit 2) with the list when the name is unknown.</summary>
        public static Option<string> Backend()
        {
            var option = new Option<string>("--backend", "-k")
            {
                Description = "The kernel that runs the model (default auto; the report names the one that ran): " +
                    KernelBackends.Describe() + ".",
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
                Description = description + " One of: " + string.Join(", ", values) + ".",
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

        /// <summary>An integer option parsed with the invariant culture and checked against a range at parse time.</summary>
        public static Option<int> Integer(string name, int minimum, int maximum, params string[] aliases)
            => Number(name, aliases, minimum, maximum, (string text, out int value)
                => int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value),
                "an integer from " + minimum + " to " + maximum);

        /// <summary>A finite, strictly positive floating-point option, checked at parse time.</summary>
        public static Option<double> PositiveReal(string name)
            => Number(name, Array.Empty<string>(), double.Epsilon, double.MaxValue, (string text, out double value)
                => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value),
                "a finite number greater than 0");

        private delegate bool TryParse<T>(string text, out T value);

        // One parser for conversion and range, so a bad value is one clear error and never reaches a validator that
        // would throw on reading it.
        private static Option<T> Number<T>(string name, string[] aliases, T minimum, T maximum, TryParse<T> tryParse, string expected)
            where T : struct, IComparable<T>
        {
            return new Option<T>(name, aliases)
            {
                CustomParser = result =>
                {
                    if (result.Tokens.Count == 0)
                    {
                        return default;
                    }

                    string text = result.Tokens[0].Value;
                    if (!tryParse(text, out T value) || value.CompareTo(minimum) < 0 || value.CompareTo(maximum) > 0)
                    {
                        result.AddError("invalid value '" + text + "' for " + name + "; expected " + expected);
                        return default;
                    }

                    return value;
                },
            };
        }
    }
}
