namespace KernelCompiler.Training
{
    /// <summary>Options of <c>MaddnessTrainer.Train</c>.</summary>
    public sealed class MaddnessTrainerOptions
    {
        /// <summary>C, the number of codebooks (hash trees); 1 to the input dimension and at most 256.</summary>
        public int Codebooks { get; set; } = 16;

        /// <summary>λ of the ridge refit of the prototypes (docs/algorithm.md §4c) and of output fitting; finite and
        /// greater than 0 (with λ = 0 the system is singular whenever C ≥ 2).</summary>
        public double RidgeLambda { get; set; } = 1.0;

        /// <summary>Tables from the prototypes (the paper's method, the default) or fitted to the training outputs.</summary>
        public TableFitting TableFitting { get; set; } = TableFitting.Prototypes;

        /// <summary>How the model aggregates table entries; <see cref="LutAggregation.Average"/> needs C in
        /// {1, 2, 4, 8} or a multiple of 16.</summary>
        public LutAggregation Aggregation { get; set; } = LutAggregation.Exact;

        /// <summary>Store the prototypes (C × 16 × D floats) in the model so <see cref="MaddnessTrainer.BuildTables"/>
        /// can rebuild the tables for another B. Off by default: a kernel never reads them, and they are most of a
        /// model file (MNIST, D = 512, C = 32: 1.4 MB of prototypes for 5 KB of tables).</summary>
        public bool IncludePrototypes { get; set; }

        /// <summary>The model's name.</summary>
        public string Name { get; set; } = "model";

        /// <summary>Free text recorded in the model naming what produced it.</summary>
        public string? Producer { get; set; }
    }
}
