using System.Runtime.CompilerServices;
using KernelCompiler.Runtime;
using KernelCompiler.Tests.Emit;

namespace KernelCompiler.Tests.Runtime;

/// <summary>
/// The runtime's side of the row-major phase (IFusedKernelSteps.EncodeRows): steps that record where they are asked
/// to read show that a phase other than 0 (whole 64-byte lines, up to p floats before a row and 16 − p after it) is
/// only ever asked for rows that have those floats inside x, that every tile is encoded exactly once, and which phase
/// each input offset gets.
/// </summary>
public class RowPhaseTests
{
    private static readonly List<(nint Address, nint Tiles, int Phase)> Calls = new();

    private readonly struct RecordingSteps : IFusedKernelSteps
    {
        // Not read: the test calls the runtime's Multiply with the shape directly.
        public KernelRuntimeModel Model => throw new InvalidOperationException();

        public void EncodeColumns(ref float x, nint stride, ref uint packed, nint tiles) => throw new InvalidOperationException();

        public unsafe void EncodeRows(ref float x, ref uint packed, nint tiles, int phase)
        {
            Calls.Add(((nint)Unsafe.AsPointer(ref x), tiles, phase));
            new Span<uint>(Unsafe.AsPointer(ref packed), (int)tiles * 16).Clear();
        }

        public void Scan(ref uint packed, ref int sums, nint tiles)
        {
        }
    }

    [FusedFact]
    public unsafe void PhasesAreAskedOnlyWhereTheLinesAroundEachRowAreInsideX()
    {
        const int codebooks = 4, outputs = 3;
        foreach (int d in new[] { 64, 48, 40 })
        {
            foreach (int rows in new[] { 16, 17, 40, 256, 333, 4200 })
            {
                float[] buffer = GC.AllocateArray<float>(rows * d + 32, pinned: true);
                fixed (float* start = buffer)
                {
                    int aligned = (int)((64 - ((nint)start & 63)) & 63) / sizeof(float);
                    for (int shift = 0; shift < 16; shift++)
                    {
                        int at = aligned + shift;
                        float* x = start + at;
                        var destination = new float[rows * outputs];
                        Calls.Clear();
                        int done = FusedKernelRuntime.Multiply(default(RecordingSteps), d, codebooks, outputs,
                            buffer.AsSpan(at, rows * d), rows, columnMajor: false, new float[outputs], new float[outputs], destination);
                        string where = "D=" + d + ", N=" + rows + ", offset " + shift;
                        Assert.Equal(rows, done);

                        int expected = d % 16 == 0 && shift % 2 == 0 ? shift : 0;
                        var covered = new int[(rows + 15) / 16 * 16];
                        foreach (var (address, tiles, phase) in Calls)
                        {
                            long first = (address - (nint)x) / sizeof(float);
                            Assert.True(first >= 0 && first % d == 0, where);
                            long row = first / d;
                            Assert.True(phase == 0 || phase == expected, where + ": phase " + phase);
                            if (phase > 0)
                            {
                                // p floats before the first row and 16 − p after the last, inside x.
                                Assert.True(first - phase >= 0, where + ": reads before x");
                                Assert.True((row + 16 * tiles) * d + (16 - phase) <= (long)rows * d, where + ": reads after x");
                            }

                            for (long r = row; r < row + 16 * tiles; r++) covered[r]++;
                        }

                        Assert.All(covered.Take(rows), n => Assert.InRange(n, 1, 2));
                        if (expected == 0)
                        {
                            Assert.All(Calls, call => Assert.Equal(0, call.Phase));
                        }
                        else if (rows >= 64)
                        {
                            Assert.Contains(Calls, call => call.Phase == expected);
                        }
                    }
                }
            }
        }
    }
}
