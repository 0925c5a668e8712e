namespace KernelCompiler.Tests.Emit;

public class GenerateSourceArgumentTests
{
    [Theory]
    [InlineData("1Kernel", null, "className")]
    [InlineData("My Kernel", null, "className")]
    [InlineData("", null, "className")]
    [InlineData("Kernel", "a..b", "namespace")]
    [InlineData("Kernel", "a.b-c", "namespace")]
    public void NamesThatCannotCompileAreRefused(string className, string? ns, string parameter)
    {
        var model = RandomModels.Create(1, 6, 2, 2);
        var e = Assert.Throws<ArgumentException>(() => LutKernel.GenerateSource(model, null, className, ns));
        Assert.Equal(parameter, e.ParamName);
    }

    [Fact]
    public void ValidNamesAreWrittenAsGiven()
    {
        string source = LutKernel.GenerateSource(RandomModels.Create(1, 6, 2, 2), null, "_Kernel2", "My.Kernels");
        Assert.Contains("namespace My.Kernels", source);
        Assert.Contains("static partial class _Kernel2", source);
    }
}
