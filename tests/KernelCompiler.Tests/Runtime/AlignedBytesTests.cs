using System;
using System.Runtime.CompilerServices;
using KernelCompiler.Runtime;
using Xunit;

namespace KernelCompiler.Tests.Runtime
{
    public class AlignedBytesTests
    {
        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(63)]
        [InlineData(64)]
        [InlineData(65)]
        [InlineData(640)]
        [InlineData(100_003)]
        public unsafe void CopiesTheBytesOntoA64ByteBoundary(int length)
        {
            var source = new byte[length];
            new Random(length).NextBytes(source);

            // Several copies: an ordinary array's data starts 16 bytes into an 8-byte-aligned object, so a copy that
            // did not realign would land off the boundary for most of them.
            for (int i = 0; i < 8; i++)
            {
                var copy = new AlignedBytes(source);
                Assert.Equal(length, copy.Length);
                Assert.Equal(source, copy.Span.ToArray());
                Assert.Equal(0, (long)Unsafe.AsPointer(ref copy.Reference) % AlignedBytes.Alignment);
                GC.Collect();
                Assert.Equal(0, (long)Unsafe.AsPointer(ref copy.Reference) % AlignedBytes.Alignment);
            }
        }
    }
}
