// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System.Collections.Generic;
using System.Text;
using KernelCompiler.NetworkKernels;

namespace KernelCompiler.Emit
{
    // The network's steps struct (INetworkKernelSteps): each LUT layer's encode as code, per path, from
    // NetworkStepsShape. IlNetworkEmitter emits the same struct from the same shape; keep the two in step
    // (EmitterDriftTests compares them call by call and constant by constant).
    internal static partial class CSharpNetworkWriter
    {
        private static void WriteSteps(CSharpKernelWriter.SourceText w, NetworkPlan plan, string name)
        {
            w.Line("/// <summary>The network's encode steps: each LUT layer's trees with their split slots and thresholds (folded");
            w.Line("/// integer thresholds for a layer reading raw sums) as constants, once per vector path; the runtime's tile loop is");
            w.Line("/// compiled for this struct. The thresholds are those of the LayerNThresholds / LayerNFoldedThresholds lists below");
            w.Line("/// (the folded ones with the float each replaces); entry 15 of a tree is never picked.</summary>");
            w.Line("[GeneratedCode(\"KernelCompiler\", \"" + CSharpKernelWriter.ToolVersion + "\")]");
            w.Line("file readonly struct " + name + " : " + Lib + "Runtime.INetworkKernelSteps");
            w.Open();
            foreach (string path in NetworkStepsShape.Paths)
            {
                w.Line("public void Encode" + path + "(int layer, ref byte values, ref byte codes)");
                w.Open();
                var cases = new List<string>();
                foreach (NetworkLayerPlan layer in plan.Layers)
                {
                    if (NetworkStepsShape.Has(layer, path))
                    {
                        cases.Add("case " + Int(layer.Index) + ": " + NetworkStepsShape.MethodName(layer.Index, path) + "(ref values, ref codes); return;");
                    }
                }

                // No case: no layer runs this path (the quad path of a network whose LUT layers all average).
                if (cases.Count > 0)
                {
                    w.Line("switch (layer)");
                    w.Open();
                    foreach (string line in cases) w.Line(line);
                    w.Close();
                }

                w.Line("throw new ArgumentOutOfRangeException(nameof(layer));");
                w.Close();
                w.Line();
            }

            foreach (NetworkLayerPlan layer in plan.Layers)
            {
                foreach (string path in NetworkStepsShape.Paths)
                {
                    if (!NetworkStepsShape.Has(layer, path)) continue;
                    w.Line("// Layer " + Int(layer.Index) + ", " + PathSummary(path) + (layer.Input == HandOff.Sums
                        ? ": raw sums against folded thresholds (raw > g goes right)."
                        : ": floats against thresholds (x >= t goes right; NaN goes left)."));
                    List<List<EncodeCall>> parts = NetworkStepsShape.Parts(plan, layer.Index, path);
                    w.Line("private static void " + NetworkStepsShape.MethodName(layer.Index, path) + "(ref byte values, ref byte codes)");
                    w.Open();
                    for (int part = 0; part < parts.Count; part++)
                    {
                        w.Line(NetworkStepsShape.PartName(layer.Index, path, part) + "(ref values, ref codes);");
                    }

                    w.Close();
                    w.Line();
                    for (int part = 0; part < parts.Count; part++)
                    {
                        w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
                        w.Line("private static void " + NetworkStepsShape.PartName(layer.Index, path, part) + "(ref byte values, ref byte codes)");
                        w.Open();
                        foreach (EncodeCall call in parts[part])
                        {
                            w.Line("NetworkEncodeSteps." + call.Helper + "(ref values, ref codes, " + Arguments(call.Arguments) + "); // " + call.Comment);
                        }

                        w.Close();
                        w.Line();
                    }
                }
            }

            w.DropBlankLine();
            w.Close();
        }

        private static string PathSummary(string path) => path switch
        {
            "Scalar" => "scalar code (also the x86 128-bit width)",
            "AdvSimd" => "Arm64 AdvSimd",
            "256" => "256-bit vectors",
            "512" => "512-bit vectors",
            _ => "512-bit vectors into the 64-byte table layout (AVX-512 VBMI)",
        };

        private static string Arguments(List<object> arguments)
        {
            var sb = new StringBuilder();
            foreach (object argument in arguments)
            {
                if (sb.Length > 0) sb.Append(", ");
                if (argument is int i)
                {
                    sb.Append(Int(i));
                    continue;
                }

                var v = (ThresholdVector)argument;
                string type = "Vector" + Int(v.Width);
                if (v.IsZero)
                {
                    sb.Append(type).Append(v.IsInt ? "<int>" : "<float>").Append(".Zero");
                    continue;
                }

                sb.Append(type).Append(".Create(");
                for (int lane = 0; lane < v.Lanes; lane++)
                {
                    if (lane > 0) sb.Append(", ");
                    sb.Append(v.Ints is int[] ints ? Int(ints[lane]) : CSharpKernelWriter.Float(v.Floats![lane]));
                }

                sb.Append(')');
            }

            return sb.ToString();
        }
    }
}
