namespace KernelCompiler.Generators
{
    /// <summary>Names of the pipeline steps, so tests can assert which steps ran again after an edit.</summary>
    public static class TrackingNames
    {
        public const string Targets = "LutKernel.Targets";
        public const string Declarations = "LutKernel.Declarations";
        public const string ProjectDirectory = "LutKernel.ProjectDirectory";
        public const string AdditionalFilePaths = "LutKernel.AdditionalFilePaths";
        public const string Requests = "LutKernel.Requests";
        public const string RequestedPaths = "LutKernel.RequestedPaths";
        public const string ModelTexts = "LutKernel.ModelTexts";
        public const string Inputs = "LutKernel.Inputs";
        public const string Results = "LutKernel.Results";
        public const string Diagnostics = "LutKernel.Diagnostics";
    }
}
