namespace KernelCompiler.Tests.Hardening;

/// <summary>What any model document, however hostile, may do: load as a valid model, or fail with the one
/// documented exception. Anything else (another exception type, a crash) fails the test that calls it.</summary>
public static class ModelOracle
{
    /// <summary>Returns the model, or null after a <see cref="LutModelException"/> with a non-empty problem.</summary>
    public static LutModel? Parse(string text)
    {
        LutModel model;
        try
        {
            model = LutModel.Parse(text, "fuzz.lut.json");
        }
        catch (LutModelException e)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Problem));
            Assert.StartsWith("$", e.JsonPath);
            Assert.Equal("fuzz.lut.json", e.FilePath);
            return null;
        }

        CheckAccepted(model);
        return model;
    }

    /// <summary>An accepted model is valid: it round-trips and every code it produces is in 0..15.</summary>
    public static void CheckAccepted(LutModel model)
    {
        string json = model.ToJson();
        Assert.Equal(json, LutModel.Parse(json).ToJson());
        for (int i = 0; i < model.SplitDimensions.Length; i++)
        {
            Assert.InRange(model.SplitDimensions[i], 0, model.InputDimension - 1);
        }

        Assert.Equal(model.OutputDimension * model.Codebooks * 16, model.Tables.Length);
        LutKernel reference = LutKernel.CreateReference(model);
        float[] x = KernelEquivalence.Inputs(model.InputDimension, model, 8);
        var codes = new byte[8 * model.Codebooks];
        reference.Encode(x, codes);
        Assert.All(codes, code => Assert.InRange(code, (byte)0, (byte)15));
        var y = new float[8 * model.OutputDimension];
        reference.Multiply(codes, y);
    }
}
