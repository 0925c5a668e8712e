using System;
using System.IO;
using System.Text;

namespace KernelCompiler
{
    /// <summary>Writes a file through a temporary sibling and a rename, so a reader never sees half a document.</summary>
    internal static class AtomicFile
    {
        public static void WriteAllText(string path, string text)
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
                        File.Delete(temp);
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
