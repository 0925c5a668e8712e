namespace KernelCompiler.Kernels
{
    /// <summary>Generator fixture only: a seeded random model (D = 10, C = 4, M = 3), not a trained one.</summary>
    [LutKernel("../models/random-small.lut.json")]
    public static partial class RandomSmallKernel
    {
    }

    /// <summary>Generator fixture only: a seeded random model (D = 37, C = 16, M = 10, average aggregation), not a
    /// trained one.</summary>
    [LutKernel("../models/random-average.lut.json")]
    public static partial class RandomAverageKernel
    {
    }
}
