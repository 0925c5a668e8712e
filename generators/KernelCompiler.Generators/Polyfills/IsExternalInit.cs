// netstandard2.0 lacks the types the C# compiler needs for records and init-only setters, and the nullable-analysis
// attributes; declaring them internally here is the documented way to use those features on older frameworks.
namespace System.Runtime.CompilerServices
{
    internal static class IsExternalInit
    {
    }
}
