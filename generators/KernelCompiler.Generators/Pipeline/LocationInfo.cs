using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace KernelCompiler.Generators.Pipeline
{
    /// <summary>A source location as plain data: a <see cref="Location"/> holds its syntax tree alive and compares by
    /// identity, so the pipeline carries this instead and rebuilds the location only to report.</summary>
    internal sealed record LocationInfo(string FilePath, int Start, int Length, int StartLine, int StartCharacter,
        int EndLine, int EndCharacter)
    {
        public static LocationInfo? From(Location? location)
        {
            if (location is null || location.SourceTree is null)
            {
                return null;
            }

            FileLinePositionSpan lines = location.GetLineSpan();
            return new LocationInfo(location.SourceTree.FilePath, location.SourceSpan.Start, location.SourceSpan.Length,
                lines.StartLinePosition.Line, lines.StartLinePosition.Character,
                lines.EndLinePosition.Line, lines.EndLinePosition.Character);
        }

        public Location ToLocation()
            => Location.Create(FilePath, new TextSpan(Start, Length),
                new LinePositionSpan(new LinePosition(StartLine, StartCharacter), new LinePosition(EndLine, EndCharacter)));
    }
}
