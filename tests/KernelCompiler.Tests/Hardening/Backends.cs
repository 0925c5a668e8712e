namespace KernelCompiler.Tests.Hardening;

/// <summary>Every backend on main for a model: the reference, and the emitted kernel for each instruction set and
/// strategy (forcing a wider set than the CPU has falls back at run time, so every entry runs here).</summary>
public static class Backends
{
    public static IEnumerable<string> Names
    {
        get
        {
            yield return "reference";
            foreach (KernelInstructionSet isa in Enum.GetValues<KernelInstructionSet>())
            {
                foreach (KernelStrategy strategy in new[] { KernelStrategy.Unrolled, KernelStrategy.TableDriven })
                {
                    yield return "emitted-" + isa + "-" + strategy;
                }
            }
        }
    }

    public static TheoryData<string> All()
    {
        var data = new TheoryData<string>();
        foreach (string name in Names) data.Add(name);
        return data;
    }

    public static LutKernel Create(string name, LutModel model)
    {
        if (name == "reference") return LutKernel.CreateReference(model);
        string[] parts = name.Split('-');
        return LutKernel.Compile(model, new LutKernelOptions
        {
            InstructionSet = Enum.Parse<KernelInstructionSet>(parts[1]),
            Strategy = Enum.Parse<KernelStrategy>(parts[2]),
        });
    }
}
