using System.Runtime.Intrinsics;
using KernelCompiler.Emit;
using KernelCompiler.Emit.Paths;

namespace KernelCompiler.Tests.Emit;

/// <summary>The IL emitter's member lookups: found once, and a missing member fails naming it, never as a null handed
/// to the ILGenerator.</summary>
public class IlMembersTests
{
    [Fact]
    public void AMissingMemberFailsWithItsName()
    {
        var method = Assert.Throws<InvalidOperationException>(() => IlMembers.Method(typeof(Vector128), "NoSuchStep", typeof(float), typeof(Vector128<float>)));
        Assert.Contains("Vector128.NoSuchStep<Single>(Vector128`1)", method.Message);
        var op = Assert.Throws<InvalidOperationException>(() => IlMembers.Operator(typeof(Vector128<int>), "op_Modulus", typeof(Vector128<int>), typeof(Vector128<int>)));
        Assert.Contains("op_Modulus", op.Message);
        var getter = Assert.Throws<InvalidOperationException>(() => IlMembers.Getter(typeof(Vector128<int>), "Nothing"));
        Assert.Contains("Vector128`1.Nothing", getter.Message);
    }

    [Fact]
    public void EveryWidthFindsItsMembers()
    {
        foreach (IlVectorMembers v in new[] { IlVectorMembers.Vector512, IlVectorMembers.Vector256, IlVectorMembers.Vector128 })
        {
            Assert.Equal(v.OfFloat, v.LoadFloat.ReturnType);
            Assert.Equal(v.OfInt, v.AddInt.ReturnType);
            Assert.Equal(v.OfUInt, v.WidenLowerUShort.ReturnType);
            Assert.Equal(v.OfUShort, v.WidenUpperByte.ReturnType);
            Assert.Equal(v.Type, v.CreateInt.DeclaringType);
        }
    }
}
