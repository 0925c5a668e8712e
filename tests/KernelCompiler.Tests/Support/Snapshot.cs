using System.Runtime.CompilerServices;

namespace KernelCompiler.Tests;

/// <summary>
/// Snapshot checks in Verify's file convention (Verify itself cannot be restored here): the approved text lives in
/// <c>Snapshots/Name.verified.cs</c> beside the tests; a mismatch writes <c>Name.received.cs</c> next to it and fails
/// with the first differing line. Accept by renaming received to verified, by running the tests with
/// <c>KERNELCOMPILER_ACCEPT_SNAPSHOTS=1</c>, or with <c>scripts/accept-snapshots.sh</c>; shared by every test project.
/// </summary>
public static class Snapshot
{
    public const string AcceptVariable = "KERNELCOMPILER_ACCEPT_SNAPSHOTS";

    public static void Verify(string actual, string name, [CallerFilePath] string callerFile = "")
    {
        string directory = Path.Combine(Path.GetDirectoryName(callerFile)!, "Snapshots");
        string verified = Path.Combine(directory, name + ".verified.cs");
        string received = Path.Combine(directory, name + ".received.cs");
        string text = Normalize(actual);
        string? expected = File.Exists(verified) ? Normalize(File.ReadAllText(verified)) : null;
        if (expected == text)
        {
            File.Delete(received);
            return;
        }

        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(verified, text);
            File.Delete(received);
            return;
        }

        Directory.CreateDirectory(directory);
        File.WriteAllText(received, text);
        Assert.Fail(expected is null
            ? $"No approved snapshot {verified}. Review {received}; accept it by renaming it to .verified.cs or by " +
              $"running the tests with {AcceptVariable}=1."
            : $"Snapshot {name} differs: {FirstDifference(expected, text)}. Review with 'diff -u {verified} {received}'; " +
              $"accept by renaming received to verified or by running the tests with {AcceptVariable}=1.");
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n");

    private static string FirstDifference(string expected, string actual)
    {
        string[] a = expected.Split('\n'), b = actual.Split('\n');
        for (int i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            string left = i < a.Length ? a[i] : "<end of file>", right = i < b.Length ? b[i] : "<end of file>";
            if (left != right)
            {
                return $"line {i + 1}: expected '{left}', received '{right}'";
            }
        }

        return "only line endings differ";
    }
}
