using System;
using System.Security.Cryptography;
using System.Text;

namespace KernelCompiler.Cli
{
    internal static class ModelHash
    {
        /// <summary>SHA-256 of the model's canonical document (<see cref="LutModel.ToJson"/>), lower-case hex:
        /// the same for two files that differ only in formatting.</summary>
        public static string Sha256(LutModel model)
            => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(model.ToJson())));
    }
}
