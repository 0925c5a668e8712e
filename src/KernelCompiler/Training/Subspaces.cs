using System;

namespace KernelCompiler.Training
{
    /// <summary>
    /// docs/algorithm.md §4a: the D columns cut into C contiguous blocks; when D is not a multiple of C the first D mod C
    /// blocks get one column more. Codebook c splits only on the columns of block c.
    /// </summary>
    internal static class Subspaces
    {
        /// <summary>The first column and the width of codebook <paramref name="codebook"/>'s block.</summary>
        public static (int Start, int Width) Block(int dimension, int codebooks, int codebook)
        {
            if (codebooks < 1 || codebooks > dimension)
            {
                throw new ArgumentOutOfRangeException(nameof(codebooks), codebooks,
                    "Codebooks must be from 1 to the input dimension (" + dimension + ").");
            }

            if ((uint)codebook >= (uint)codebooks)
            {
                throw new ArgumentOutOfRangeException(nameof(codebook));
            }

            int width = dimension / codebooks;
            int longer = dimension % codebooks;
            int start = codebook * width + Math.Min(codebook, longer);
            return (start, codebook < longer ? width + 1 : width);
        }
    }
}
