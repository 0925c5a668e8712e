using System.Runtime.InteropServices;
using KernelCompiler.Generic;

namespace KernelCompiler.Tests.Emit;

/// <summary>A fact that needs Linux (mmap and mprotect through libc); skipped elsewhere.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "Guard pages are mapped with Linux's mmap.";
    }
}

/// <summary>
/// No kernel reads outside x: the input is placed so that it ends exactly where an inaccessible page begins (and,
/// separately, starts exactly where one ends). A read past the last row, or before the first, faults and ends the test
/// process; the engine matrix's poison guards only catch such reads when the value read is used. Row-major input is the
/// case at stake (the fused encoder loads whole 16- and 32-float windows of rows), with D below, at and above one
/// vector and not a multiple of 16, and N not a multiple of 16; column-major input runs too.
/// </summary>
public unsafe class RowMajorBoundsTests
{
    private const int ProtNone = 0, ProtRead = 1, ProtWrite = 2, MapPrivate = 2, MapAnonymous = 0x20;

    [DllImport("libc", SetLastError = true)]
    private static extern nint mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [DllImport("libc", SetLastError = true)]
    private static extern int mprotect(nint address, nuint length, int protection);

    [DllImport("libc", SetLastError = true)]
    private static extern int munmap(nint address, nuint length);

    [LinuxFact]
    public void NoKernelReadsOutsideTheInput()
    {
        var models = new[]
        {
            RandomModels.Create(70, 512, 10, 16), RandomModels.Create(71, 27, 2, 16), RandomModels.Create(72, 40, 3, 24),
            RandomModels.Create(73, 16, 5, 8), RandomModels.Create(74, 9, 3, 4), RandomModels.Create(75, 300, 20, 64),
        };

        // The last split dimension of each row is its last value, so the last window ends exactly at the guard.
        for (int i = 0; i < models.Length; i++)
        {
            LutModel m = models[i];
            int[] splits = m.SplitDimensions.ToArray();
            splits[^1] = m.InputDimension - 1;
            splits[0] = 0;
            models[i] = new LutModel(m.InputDimension, m.OutputDimension, splits, m.Thresholds.ToArray(), m.Tables.ToArray(),
                m.Steps.ToArray(), m.Offsets.ToArray(), m.Aggregation, null, m.Name, "tests");
        }

        var sources = models.Select((m, i) => LutKernel.GenerateSource(m, null, "Kernel" + i, "Bounds")).ToList();
        var assembly = GeneratedSource.Compile(sources, allowUnsafe: true);
        for (int i = 0; i < models.Length; i++)
        {
            LutModel model = models[i];
            var kernels = new[]
            {
                LutKernel.Compile(model), GenericKernel.Create(model),
                new GeneratedKernel(model, assembly.GetType("Bounds.Kernel" + i, throwOnError: true)!),
            };
            LutKernel reference = LutKernel.CreateReference(model);
            foreach (int rows in new[] { 16, 37, 64 })
            {
                float[] x = RandomModels.Rows(rows + i, model, rows);
                var expectedCodes = new byte[rows * model.Codebooks];
                var expected = new float[rows * model.OutputDimension];
                reference.Encode(x, expectedCodes);
                reference.Multiply(x, expected);
                float[] xt = RandomModels.Transpose(x, rows, model.InputDimension);
                foreach (bool atEnd in new[] { true, false })
                {
                    foreach (LutKernel kernel in kernels)
                    {
                        string where = kernel.Backend + ", D=" + model.InputDimension + ", C=" + model.Codebooks + ", N=" + rows + (atEnd ? ", x ends at a guard page" : ", x starts after a guard page");
                        var codes = new byte[rows * model.Codebooks];
                        var y = new float[rows * model.OutputDimension];
                        WithGuardedCopy(x, atEnd, input =>
                        {
                            kernel.Encode(input, codes);
                            kernel.Multiply(input, y);
                        });
                        Assert.True(expectedCodes.AsSpan().SequenceEqual(codes), "Encode: " + where);
                        Assert.True(expected.AsSpan().SequenceEqual(y), "Multiply: " + where);
                        WithGuardedCopy(xt, atEnd, input =>
                        {
                            kernel.EncodeColumnMajor(input, codes);
                            kernel.MultiplyColumnMajor(input, y);
                        });
                        Assert.True(expectedCodes.AsSpan().SequenceEqual(codes), "EncodeColumnMajor: " + where);
                        Assert.True(expected.AsSpan().SequenceEqual(y), "MultiplyColumnMajor: " + where);
                    }
                }
            }
        }
    }

    private delegate void InputAction(ReadOnlySpan<float> input);

    /// <summary>Runs <paramref name="action"/> on a copy of <paramref name="values"/> that ends exactly at an
    /// inaccessible page (<paramref name="atEnd"/>) or starts exactly after one.</summary>
    private static void WithGuardedCopy(float[] values, bool atEnd, InputAction action)
    {
        const int Page = 4096;
        nuint bytes = (nuint)values.Length * sizeof(float);
        nuint dataPages = (bytes + Page - 1) / Page;
        nuint total = (dataPages + 2) * Page;
        nint region = mmap(0, total, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        Assert.True(region != -1, "mmap failed: " + Marshal.GetLastPInvokeError());
        try
        {
            Assert.Equal(0, mprotect(region, Page, ProtNone));
            Assert.Equal(0, mprotect(region + (nint)((dataPages + 1) * Page), Page, ProtNone));
            nint start = atEnd ? region + (nint)((dataPages + 1) * Page - bytes) : region + Page;
            var input = new Span<float>((void*)start, values.Length);
            values.CopyTo(input);
            action(input);
        }
        finally
        {
            munmap(region, total);
        }
    }
}
