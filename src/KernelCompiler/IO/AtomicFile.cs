// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System;
using System.IO;
using System.Text;

namespace KernelCompiler.IO
{
    /// <summary>Writes a file through a temporary sibling and a rename, so a reader never sees half a document: model
    /// and network files both go through it.</summary>
    internal static class AtomicFile
    {
        // deleteTemporary is a parameter so tests can make the cleanup fail: its failure must never replace the
        // exception that made the cleanup necessary.
        public static void WriteAllText(string path, string text, Action<string>? deleteTemporary = null)
        {
            if (path is null) throw new ArgumentNullException(nameof(path));
            string full = Path.GetFullPath(path);
            string temp = full + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp";
            try
            {
                File.WriteAllText(temp, text, new UTF8Encoding(false, true));
                if (File.Exists(full))
                {
                    File.Replace(temp, full, null);
                }
                else
                {
                    File.Move(temp, full);
                }
            }
            catch
            {
                try
                {
                    if (File.Exists(temp))
                    {
                        (deleteTemporary ?? File.Delete)(temp);
                    }
                }
                catch (Exception)
                {
                    // The write's own exception says what went wrong; a temporary file left behind is the lesser problem.
                }

                throw;
            }
        }
    }
}
