using System.Reflection;

namespace KernelCompiler.Generators.Tests;

/// <summary>The static entry points of a generated kernel class, bound as delegates (span parameters cannot go
/// through <see cref="MethodInfo.Invoke(object, object[])"/>).</summary>
public sealed class GeneratedKernel
{
    public delegate void EncodeFn(ReadOnlySpan<float> x, Span<byte> codes);

    public delegate void AggregateFn(ReadOnlySpan<byte> codes, Span<int> sums);

    public delegate void MultiplyFn(ReadOnlySpan<float> x, Span<float> destination);

    public delegate void MultiplyCodesFn(ReadOnlySpan<byte> codes, Span<float> destination);

    public GeneratedKernel(Type type)
    {
        Type = type;
        Encode = Bind<EncodeFn>("Encode", typeof(ReadOnlySpan<float>), typeof(Span<byte>));
        EncodeColumnMajor = Bind<EncodeFn>("EncodeColumnMajor", typeof(ReadOnlySpan<float>), typeof(Span<byte>));
        Aggregate = Bind<AggregateFn>("Aggregate", typeof(ReadOnlySpan<byte>), typeof(Span<int>));
        Multiply = Bind<MultiplyFn>("Multiply", typeof(ReadOnlySpan<float>), typeof(Span<float>));
        MultiplyColumnMajor = Bind<MultiplyFn>("MultiplyColumnMajor", typeof(ReadOnlySpan<float>), typeof(Span<float>));
        MultiplyCodes = Bind<MultiplyCodesFn>("Multiply", typeof(ReadOnlySpan<byte>), typeof(Span<float>));
    }

    public Type Type { get; }

    public EncodeFn Encode { get; }

    public EncodeFn EncodeColumnMajor { get; }

    public AggregateFn Aggregate { get; }

    public MultiplyFn Multiply { get; }

    public MultiplyFn MultiplyColumnMajor { get; }

    public MultiplyCodesFn MultiplyCodes { get; }

    public int Constant(string name) => (int)Type.GetField(name, BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

    private T Bind<T>(string name, params Type[] parameters)
        where T : Delegate
    {
        MethodInfo method = Type.GetMethod(name, BindingFlags.Public | BindingFlags.Static, parameters)
            ?? throw new MissingMethodException(Type.FullName, name);
        return method.CreateDelegate<T>();
    }
}
