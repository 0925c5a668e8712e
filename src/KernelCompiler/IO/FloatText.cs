// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System.Globalization;

namespace KernelCompiler
{
    /// <summary>
    /// float32 ⇄ text that round-trips exactly and never depends on the current culture (a locale's minus sign or
    /// decimal comma must never reach a model file or generated code).
    /// </summary>
    internal static class FloatText
    {
        public static string Format(float value)
        {
            if (float.IsNaN(value)) return "NaN";
            if (float.IsPositiveInfinity(value)) return "Infinity";
            if (float.IsNegativeInfinity(value)) return "-Infinity";

            // "R" is the shortest round-trip form on .NET Core 3.0+; older hosts (a generator in .NET Framework)
            // may fall short, so check and fall back to nine significant digits, which always round-trip.
            string text = value.ToString("R", CultureInfo.InvariantCulture);
            if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float back) ||
                !SameBits(back, value))
            {
                text = value.ToString("G9", CultureInfo.InvariantCulture);
            }

            return text;
        }

        public static bool TryParse(string text, out float value)
            => float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

        private static bool SameBits(float a, float b)
            => a.Equals(b) && (a != 0 || (1 / a) == (1 / b));
    }
}
