using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text;
using KernelCompiler.Generators.Pipeline;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using KernelCompiler.Emit;

namespace KernelCompiler.Generators
{
    /// <summary>
    /// Compiles each <c>[KernelCompiler.LutKernel("models/x.lut.json")]</c> <c>static partial class</c> into a MADDNESS
    /// kernel: the model file (an AdditionalFiles item) is read, validated and planned with the runtime's own code, and
    /// the runtime's C# writer produces the members.
    /// </summary>
    /// <remarks>Every step carries value-equal records and has a tracking name (<see cref="TrackingNames"/>), so an edit
    /// that changes neither a kernel declaration nor its model file regenerates nothing. Diagnostics travel as data and
    /// are reported in their own output.</remarks>
    [Generator(LanguageNames.CSharp)]
    public sealed class LutKernelGenerator : IIncrementalGenerator
    {
        public const string AttributeMetadataName = "KernelCompiler.LutKernelAttribute";

        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            IncrementalValuesProvider<KernelTarget> targets = context.SyntaxProvider
                .ForAttributeWithMetadataName(AttributeMetadataName,
                    static (node, _) => node is ClassDeclarationSyntax,
                    KernelTargetParser.Parse)
                .WithTrackingName(TrackingNames.Targets);

            // Locations are left behind here: moving a class down a line must not regenerate its kernel.
            IncrementalValuesProvider<KernelDeclaration> declarations = targets
                .Where(static t => t.Declaration is not null)
                .Select(static (t, _) => t.Declaration!)
                .WithTrackingName(TrackingNames.Declarations);

            IncrementalValueProvider<string?> projectDirectory = context.AnalyzerConfigOptionsProvider
                .Select(static (options, _) => ModelPaths.ProjectDirectory(options.GlobalOptions))
                .WithTrackingName(TrackingNames.ProjectDirectory);

            IncrementalValueProvider<EquatableArray<string>> filePaths = context.AdditionalTextsProvider
                .Select(static (text, _) => ModelPaths.Normalize(text.Path))
                .Collect()
                .Select(static (paths, _) => EquatableArray.From(paths))
                .WithTrackingName(TrackingNames.AdditionalFilePaths);

            IncrementalValuesProvider<KernelRequest> requests = declarations
                .Combine(projectDirectory)
                .Combine(filePaths)
                .Select(static (input, _) => ModelPaths.Resolve(input.Left.Left, input.Left.Right, input.Right))
                .WithTrackingName(TrackingNames.Requests);

            IncrementalValueProvider<EquatableArray<string>> requestedPaths = requests
                .Where(static r => r.ResolvedPath is not null)
                .Select(static (r, _) => r.ResolvedPath!)
                .Collect()
                .Select(static (paths, _) => EquatableArray.From(paths))
                .WithTrackingName(TrackingNames.RequestedPaths);

            // Only the files some kernel names are read; an unchanged file is never read again.
            IncrementalValuesProvider<ModelText> modelTexts = context.AdditionalTextsProvider
                .Combine(requestedPaths)
                .Where(static pair => Contains(pair.Right, ModelPaths.Normalize(pair.Left.Path)))
                .Select(static (pair, cancellationToken) =>
                    new ModelText(ModelPaths.Normalize(pair.Left.Path), pair.Left.GetText(cancellationToken)?.ToString()))
                .WithTrackingName(TrackingNames.ModelTexts);

            IncrementalValuesProvider<KernelInput> inputs = requests
                .Combine(modelTexts.Collect())
                .Select(static (pair, _) => new KernelInput(pair.Left, FindText(pair.Right, pair.Left.ResolvedPath)))
                .WithTrackingName(TrackingNames.Inputs);

            IncrementalValuesProvider<KernelResult> results = inputs
                .Select(static (input, cancellationToken) => KernelSourceBuilder.Build(input, cancellationToken))
                .WithTrackingName(TrackingNames.Results);

            context.RegisterSourceOutput(results, static (spc, result) =>
            {
                if (result.Source is not null)
                {
                    spc.AddSource(result.HintName, SourceText.From(result.Source, Encoding.UTF8));
                }
            });

            // Diagnostics: the declaration problems carry their own locations; the model problems are placed on the
            // attribute of the class they belong to. Re-running this join is cheap and regenerates no source.
            IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = targets
                .Combine(results.Select(static (r, _) => new KernelOutcome(r.Declaration, r.Problems)).Collect())
                .Select(static (pair, _) => Diagnose(pair.Left, pair.Right))
                .WithTrackingName(TrackingNames.Diagnostics);

            context.RegisterSourceOutput(diagnostics, static (spc, list) =>
            {
                foreach (DiagnosticInfo diagnostic in list)
                {
                    spc.ReportDiagnostic(diagnostic.ToDiagnostic());
                }
            });
        }

        private static bool Contains(EquatableArray<string> paths, string path)
        {
            foreach (string p in paths)
            {
                if (string.Equals(p, path, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }

        private static string? FindText(ImmutableArray<ModelText> texts, string? path)
        {
            if (path is null)
            {
                return null;
            }

            foreach (ModelText text in texts)
            {
                if (string.Equals(text.Path, path, StringComparison.Ordinal))
                {
                    return text.Text;
                }
            }

            return null;
        }

        private static EquatableArray<DiagnosticInfo> Diagnose(KernelTarget target, ImmutableArray<KernelOutcome> outcomes)
        {
            var list = new List<DiagnosticInfo>(target.Diagnostics);
            if (target.Declaration is not null)
            {
                foreach (KernelOutcome outcome in outcomes)
                {
                    if (outcome.Declaration.Equals(target.Declaration))
                    {
                        foreach (KernelProblem problem in outcome.Problems)
                        {
                            list.Add(new DiagnosticInfo(problem.Id, target.AttributeLocation, problem.Arguments));
                        }

                        break;
                    }
                }
            }

            return new EquatableArray<DiagnosticInfo>(list.ToArray());
        }

        private sealed record KernelOutcome(KernelDeclaration Declaration, EquatableArray<KernelProblem> Problems);
    }
}
