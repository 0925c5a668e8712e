using System.Reflection;

namespace KernelCompiler.Tests;

/// <summary>Runs a compiled generated class through the <see cref="LutKernel"/> contract (backend "generated"),
/// calling its public static members through delegates.</summary>
public sealed class GeneratedKernel : LutKernel
{
    public delegate void EncodeFn(ReadOnlySpan<float> x, Span<byte> codes);
    public delegate void AggregateFn(ReadOnlySpan<byte> codes, Span<int> sums);
    public delegate void MultiplyFn(ReadOnlySpan<float> x, Span<float> destination);
    public delegate void MultiplyCodesFn(ReadOnlySpan<byte> codes, Span<float> destination);

    public GeneratedKernel(LutModel model, Type type)
        : base(model)
    {
        Type = type;
        EncodeRowMajor = Bind<EncodeFn>("Encode", typeof(ReadOnlySpan<float>));
        EncodeColumns = Bind<EncodeFn>("EncodeColumnMajor", typeof(ReadOnlySpan<float>));
        AggregateCodes = Bind<AggregateFn>("Aggregate", typeof(ReadOnlySpan<byte>));
        MultiplyRows = Bind<MultiplyFn>("Multiply", typeof(ReadOnlySpan<float>));
        MultiplyColumns = Bind<MultiplyFn>("MultiplyColumnMajor", typeof(ReadOnlySpan<float>));
        MultiplyCodes = Bind<MultiplyCodesFn>("Multiply", typeof(ReadOnlySpan<byte>));
    }

    public Type Type { get; }

    public EncodeFn EncodeRowMajor { get; }
    public EncodeFn EncodeColumns { get; }
    public AggregateFn AggregateCodes { get; }
    public MultiplyFn MultiplyRows { get; }
    public MultiplyFn MultiplyColumns { get; }
    public MultiplyCodesFn MultiplyCodes { get; }

    public override string Backend => "generated";

    public int Constant(string name) => (int)Type.GetField(name, BindingFlags.Public | BindingFlags.Static)!.GetRawConstantValue()!;

    protected override void EncodeCore(ReadOnlySpan<float> x, int rows, Span<byte> codes, bool columnMajor)
        => (columnMajor ? EncodeColumns : EncodeRowMajor)(x, codes);

    protected override void AggregateCore(ReadOnlySpan<byte> codes, int rows, Span<int> sums) => AggregateCodes(codes, sums);

    protected override void MultiplyCore(ReadOnlySpan<float> x, int rows, Span<float> destination, bool columnMajor)
        => (columnMajor ? MultiplyColumns : MultiplyRows)(x, destination);

    protected override void MultiplyCodesCore(ReadOnlySpan<byte> codes, int rows, Span<float> destination)
        => MultiplyCodes(codes, destination);

    private T Bind<T>(string name, Type first) where T : Delegate
    {
        var method = Type.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Single(m => m.Name == name && m.GetParameters()[0].ParameterType == first);
        return method.CreateDelegate<T>();
    }
}
