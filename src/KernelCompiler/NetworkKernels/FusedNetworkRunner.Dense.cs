using System.Numerics;

namespace KernelCompiler.NetworkKernels
{
    internal sealed partial class FusedNetworkRunner
    {
        /// <summary>An exact layer on the tile: for each planned output, <c>s = 0; s = s + x[d] · W[d, m]</c> for d in
        /// order (product and sum each rounded to float32, never fused), then <c>activation(s + b[m])</c>, as
        /// <see cref="DenseLayer"/> documents. The vectors run across the tile's rows, so each row's sum still goes
        /// through d in order and every width gives the reference's bits.</summary>
        private unsafe void Dense(LayerState layer, float* input, float* output)
        {
            int d = layer.DenseInputs;
            int[] outputs = layer.Outputs;
            fixed (float* weights = layer.Weights)
            fixed (float* bias = layer.Bias)
            {
                for (int j = 0; j < outputs.Length; j++)
                {
                    float* w = weights + (nint)j * d;
                    float* y = output + j * TileRows;
                    if (Width > 0 && Vector.IsHardwareAccelerated && TileRows % (4 * Vector<float>.Count) == 0)
                    {
                        DenseVector(input, w, d, y);
                    }
                    else
                    {
                        for (int r = 0; r < TileRows; r++)
                        {
                            float s = 0f;
                            for (int i = 0; i < d; i++)
                            {
                                float product = input[i * TileRows + r] * w[i];
                                s += product;
                            }

                            y[r] = s;
                        }
                    }

                    float b = bias[j];
                    for (int r = 0; r < TileRows; r++)
                    {
                        y[r] = NetworkLayer.Apply(layer.Activation, y[r] + b);
                    }
                }
            }
        }

        private static unsafe void DenseVector(float* input, float* w, int d, float* y)
        {
            int width = Vector<float>.Count;
            for (int r = 0; r < TileRows; r += 4 * width)
            {
                Vector<float> s0 = Vector<float>.Zero, s1 = Vector<float>.Zero, s2 = Vector<float>.Zero, s3 = Vector<float>.Zero;
                float* x = input + r;
                for (int i = 0; i < d; i++, x += TileRows)
                {
                    var wi = new Vector<float>(w[i]);
                    Vector<float> p0 = Vector.Load(x) * wi, p1 = Vector.Load(x + width) * wi;
                    Vector<float> p2 = Vector.Load(x + 2 * width) * wi, p3 = Vector.Load(x + 3 * width) * wi;
                    s0 += p0;
                    s1 += p1;
                    s2 += p2;
                    s3 += p3;
                }

                Vector.Store(s0, y + r);
                Vector.Store(s1, y + r + width);
                Vector.Store(s2, y + r + 2 * width);
                Vector.Store(s3, y + r + 3 * width);
            }
        }
    }
}
