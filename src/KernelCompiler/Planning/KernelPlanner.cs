// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System;
using System.Collections.Generic;

namespace KernelCompiler.Planning
{
    /// <summary>Makes the one <see cref="KernelPlan"/> both emitters follow.</summary>
    /// <remarks>Linked into the netstandard2.0 generator: keep it free of APIs newer than netstandard2.0.</remarks>
    internal static class KernelPlanner
    {
        public static KernelPlan Create(LutModel model, KernelPlanOptions? options = null)
        {
            if (model is null) throw new ArgumentNullException(nameof(model));
            options = options ?? new KernelPlanOptions();

            KernelPath[] paths = KernelPathPolicy.PathsFor(options.InstructionSet, CanFuse(model));
            string? reason;
            KernelStrategy strategy = ChooseStrategy(model, options.Strategy, out reason);

            int c = model.Codebooks;
            var used = new SortedSet<int>();
            for (int i = 0; i < c * LutModel.TreeDepth; i++)
            {
                used.Add(model.SplitDimensions[i]);
            }

            int[] slotDimensions = new int[used.Count];
            used.CopyTo(slotDimensions);
            var slotOfDimension = new Dictionary<int, int>();
            for (int s = 0; s < slotDimensions.Length; s++)
            {
                slotOfDimension[slotDimensions[s]] = s;
            }

            int[] slotOfLevel = new int[c * LutModel.TreeDepth];
            for (int i = 0; i < slotOfLevel.Length; i++)
            {
                slotOfLevel[i] = slotOfDimension[model.SplitDimensions[i]];
            }

            float[] lanes = new float[c * LutModel.TreeDepth * KernelPlan.LanesPerLevel];
            for (int cb = 0; cb < c; cb++)
            {
                for (int level = 0; level < LutModel.TreeDepth; level++)
                {
                    int nodes = 1 << level;
                    for (int j = 0; j < KernelPlan.LanesPerLevel; j++)
                    {
                        lanes[(cb * LutModel.TreeDepth + level) * KernelPlan.LanesPerLevel + j] =
                            model.Threshold(cb, level, Math.Min(j, nodes - 1));
                    }
                }
            }

            return new KernelPlan(model, paths, options.InstructionSet == KernelInstructionSet.Auto, strategy, reason, slotDimensions, slotOfLevel, lanes);
        }

        /// <summary>Whether the fused path can run the model: C and M within what its tiles hold
        /// (FusedKernelRuntime.MaxCodebooks, MaxOutputs; for average aggregation, whose sums are those of a block of
        /// four tiles, MaxAverageOutputs).</summary>
        internal static bool CanFuse(LutModel model)
            => model.Codebooks <= KernelPlan.MaxFusedCodebooks &&
               model.OutputDimension <= (model.Aggregation == LutAggregation.Exact ? KernelPlan.MaxFusedOutputs : KernelPlan.MaxFusedAverageOutputs);

        private static KernelStrategy ChooseStrategy(LutModel model, KernelStrategy requested, out string? reason)
        {
            switch (requested)
            {
                case KernelStrategy.Unrolled:
                    reason = null;
                    return KernelStrategy.Unrolled;
                case KernelStrategy.TableDriven:
                    reason = "table-driven code was requested by the options";
                    return KernelStrategy.TableDriven;
                case KernelStrategy.Auto:
                    if (model.Codebooks > KernelPlan.MaxUnrolledCodebooks)
                    {
                        reason = "the model has " + model.Codebooks + " codebooks; unrolled code for more than " +
                            KernelPlan.MaxUnrolledCodebooks + " would grow past what the JIT optimises in one method, " +
                            "so the kernel reads split dimensions and thresholds from data in loops";
                        return KernelStrategy.TableDriven;
                    }

                    reason = null;
                    return KernelStrategy.Unrolled;
                default:
                    throw new ArgumentOutOfRangeException(nameof(requested), requested, "Unknown strategy.");
            }
        }
    }
}
