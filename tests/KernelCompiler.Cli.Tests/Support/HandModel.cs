using KernelCompiler.IO;

namespace KernelCompiler.Cli.Tests;

/// <summary>
/// A model small enough to check by hand: D = 1, M = 2, C = 1. The tree splits column 0 at 2.5 on level 0 and never
/// again (float.MaxValue sends everything left), so x &lt; 2.5 gets code 0 and x ≥ 2.5 gets code 8 (binary 1000).
/// Tables: output 0 gives 1 for code 0 and 3 for code 8; output 1 gives 2 and 1. Steps 1, offsets 0.
/// With A = [1, 2, 3]ᵀ, B = [[1, 0]], bias [0, 1.5]:
///   exact Y = (1, 1.5), (2, 1.5), (3, 1.5)  → argmax 1, 0, 0
///   model Ŷ = (1, 2),   (1, 2),   (3, 1)    → argmax 1, 1, 0
///   ‖Y − Ŷ‖² = 0.25 + 1.25 + 0.25 = 1.75; ‖Y‖² = 20.75; NMSE = 1.75 / 20.75
///   labels [1, 0, 0]: exact accuracy 1, approximate 2/3.
/// </summary>
public static class HandModel
{
    public const double Nmse = 1.75 / 20.75;

    public static LutModel Create()
    {
        var thresholds = new float[15];
        Array.Fill(thresholds, float.MaxValue);
        thresholds[0] = 2.5f;
        var tables = new byte[2 * 16];
        tables[0] = 1;
        tables[8] = 3;
        tables[16 + 0] = 2;
        tables[16 + 8] = 1;
        return new LutModel(1, 2, new[] { 0, 0, 0, 0 }, thresholds, tables, new[] { 1f, 1f }, new[] { 0f, 0f }, name: "hand");
    }

    /// <summary>Writes model.lut.json, A.npy, B.npy, b.npy and y.npy into <paramref name="dir"/>.</summary>
    public static void WriteFiles(TempDirectory dir)
    {
        Create().Save(dir.File("model.lut.json"));
        NpyFile.Write(dir.File("A.npy"), new[] { 1f, 2f, 3f }, 3, 1);
        NpyFile.Write(dir.File("B.npy"), new[] { 1f, 0f }, 1, 2);
        NpyFile.Write(dir.File("b.npy"), new[] { 0f, 1.5f }, 2);
        NpyFile.Write(dir.File("y.npy"), new[] { 1, 0, 0 }, 3);
    }
}
