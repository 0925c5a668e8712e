using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using KernelCompiler.Generators.Tests;

namespace KernelCompiler.Package.Tests;

[CollectionDefinition(Name)]
public sealed class PackageFeedCollection : ICollectionFixture<PackageFeed>
{
    public const string Name = "Package feed";
}

/// <summary>
/// Packs <c>KernelCompiler</c> and <c>KernelCompiler.Cli</c> once for the tests of <see cref="PackageFeedCollection"/>
/// into a local folder feed, under a version no other run uses (<c>0.1.0-test-&lt;random&gt;</c>).
/// <list type="bullet">
/// <item>The pack runs on a copy of the sources in a temporary directory (no bin/ or obj/), so it never writes into
/// the repository's build outputs while <c>dotnet test</c> builds and runs the other test projects from them.</item>
/// <item>Children that restore the packages get <c>NUGET_PACKAGES</c> set to an empty folder of their own, and the
/// version is unique: a package cached by an earlier run can never be picked up.</item>
/// <item><see cref="WriteNuGetConfig"/> lists the feed and the sources this machine's NuGet configuration enables
/// (asked of <c>dotnet nuget list source</c>, not written down here), with the machine's global packages folder as a
/// read-only fallback so third-party packages (System.Numerics.Tensors, ...) are not downloaded again.</item>
/// </list>
/// </summary>
public sealed class PackageFeed : IDisposable
{
    public const string FeedSourceName = "kernelcompiler-test-feed";

    // Everything the two packages are built from, relative to the repository root.
    private static readonly string[] PackedSources =
    [
        "Directory.Build.props", "Directory.Packages.props", "global.json", "nuget.config", "NuGet.config",
        "src/KernelCompiler", "src/KernelCompiler.Cli", "generators/KernelCompiler.Generators",
        "kernels/KernelCompiler.Kernels", "kernels/models",
    ];

    // All four projects are listed so every one of them is built in Release (a solution build gives projects it does
    // not list the default configuration).
    private const string PackSolution = """
        <Solution>
          <Project Path="src/KernelCompiler/KernelCompiler.csproj" />
          <Project Path="src/KernelCompiler.Cli/KernelCompiler.Cli.csproj" />
          <Project Path="generators/KernelCompiler.Generators/KernelCompiler.Generators.csproj" />
          <Project Path="kernels/KernelCompiler.Kernels/KernelCompiler.Kernels.csproj" />
        </Solution>
        """;

    public PackageFeed()
    {
        Root = Path.Combine(Path.GetTempPath(), "kernelcompiler-package-" + Guid.NewGuid().ToString("N")[..8]);
        Version = BaseVersion + "-test-" + Guid.NewGuid().ToString("N")[..12];
        Feed = Path.Combine(Root, "feed");
        Packages = Path.Combine(Root, "packages");
        Directory.CreateDirectory(Feed);
        Directory.CreateDirectory(Packages);
        try
        {
            string source = Path.Combine(Root, "source");
            foreach (string relative in PackedSources)
            {
                Copy(Path.Combine(Repository.Root, relative), Path.Combine(source, relative));
            }

            File.WriteAllText(Path.Combine(source, "pack.slnx"), PackSolution);
            var clock = Stopwatch.StartNew();
            ChildProcess.Dotnet(source, null, TimeSpan.FromMinutes(10),
                "pack", "pack.slnx", "-c", "Release", "-o", Feed, "-p:Version=" + Version, "--nologo", "-v", "q");
            PackTime = clock.Elapsed;
            Assert.True(File.Exists(LibraryPackage), "pack wrote no " + LibraryPackage);
            Assert.True(File.Exists(ToolPackage), "pack wrote no " + ToolPackage);
            (MachineSources, MachineGlobalPackages) = ReadMachineNuGetConfiguration();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>A scratch directory for this collection: the copied sources, the feed, the fresh package cache and
    /// whatever the tests create.</summary>
    public string Root { get; }

    /// <summary>The version both packages were packed with.</summary>
    public string Version { get; }

    public string Feed { get; }

    /// <summary>The NUGET_PACKAGES folder for child processes: empty when the tests start.</summary>
    public string Packages { get; }

    public TimeSpan PackTime { get; }

    public string LibraryPackage => Path.Combine(Feed, "KernelCompiler." + Version + ".nupkg");

    public string ToolPackage => Path.Combine(Feed, "KernelCompiler.Cli." + Version + ".nupkg");

    /// <summary>The enabled package sources of this machine's NuGet configuration, by name.</summary>
    public IReadOnlyList<(string Name, string Url)> MachineSources { get; private set; } = [];

    /// <summary>This machine's global packages folder, or null.</summary>
    public string? MachineGlobalPackages { get; private set; }

    /// <summary>Environment for children that restore: the fresh package cache.</summary>
    public IReadOnlyDictionary<string, string> RestoreEnvironment => new Dictionary<string, string> { ["NUGET_PACKAGES"] = Packages };

    /// <summary>The version in Directory.Build.props, as the runtime assembly carries it (e.g. 0.1.0).</summary>
    private static string BaseVersion => typeof(LutModel).Assembly.GetName().Version!.ToString(3);

    /// <summary>Writes a nuget.config into <paramref name="directory"/>: only the feed may provide KernelCompiler*,
    /// everything else comes from the machine's own sources (package source mapping).</summary>
    public void WriteNuGetConfig(string directory)
    {
        var sources = new XElement("packageSources", new XElement("clear"), Add(FeedSourceName, Feed));
        var mapping = new XElement("packageSourceMapping",
            new XElement("packageSource", new XAttribute("key", FeedSourceName),
                new XElement("package", new XAttribute("pattern", "KernelCompiler")),
                new XElement("package", new XAttribute("pattern", "KernelCompiler.*"))));
        foreach ((string name, string url) in MachineSources)
        {
            sources.Add(Add(name, url));
            mapping.Add(new XElement("packageSource", new XAttribute("key", name), new XElement("package", new XAttribute("pattern", "*"))));
        }

        var configuration = new XElement("configuration", sources, mapping);
        if (MachineGlobalPackages is not null)
        {
            configuration.Add(new XElement("fallbackPackageFolders", Add("machine-global-packages", MachineGlobalPackages)));
        }

        new XDocument(configuration).Save(Path.Combine(directory, "nuget.config"));

        static XElement Add(string key, string value) => new("add", new XAttribute("key", key), new XAttribute("value", value));
    }

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static (IReadOnlyList<(string, string)> Sources, string? GlobalPackages) ReadMachineNuGetConfiguration()
    {
        // Asked from the repository root, so these are the sources the repository's own restore used.
        var english = new Dictionary<string, string> { ["DOTNET_CLI_UI_LANGUAGE"] = "en" };
        string list = ChildProcess.Dotnet(Repository.Root, english, "nuget", "list", "source");
        // "  1.  nuget.org [Enabled]" followed by "      https://api.nuget.org/v3/index.json"
        var sources = new List<(string, string)>();
        string[] lines = list.Split('\n', StringSplitOptions.TrimEntries);
        for (int i = 0; i + 1 < lines.Length; i++)
        {
            Match entry = Regex.Match(lines[i], @"^\d+\.\s+(.+?)\s+\[(Enabled|Disabled)\]$");
            if (entry.Success && entry.Groups[2].Value == "Enabled" && lines[i + 1].Length > 0)
            {
                sources.Add((entry.Groups[1].Value, lines[i + 1]));
            }
        }

        Assert.True(sources.Count > 0, "dotnet nuget list source showed no enabled source:\n" + list);
        string locals = ChildProcess.Dotnet(Repository.Root, english, "nuget", "locals", "global-packages", "--list");
        Match folder = Regex.Match(locals, @"global-packages:\s*(.+?)\s*$", RegexOptions.Multiline);
        string? globalPackages = folder.Success && Directory.Exists(folder.Groups[1].Value) ? folder.Groups[1].Value : null;
        return (sources, globalPackages);
    }

    private static void Copy(string from, string to)
    {
        if (File.Exists(from))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            if (!File.Exists(to)) File.Copy(from, to); // nuget.config and NuGet.config are one file on some file systems
            return;
        }

        if (!Directory.Exists(from)) return;
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (string dir in Directory.GetDirectories(from))
        {
            string name = Path.GetFileName(dir);
            if (name is "bin" or "obj" || name.StartsWith('.')) continue;
            Copy(dir, Path.Combine(to, name));
        }
    }
}
