using System;
using System.Collections.Generic;
using System.Threading;
using KernelCompiler.Generators.Pipeline;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KernelCompiler.Generators
{
    /// <summary>Turns an attributed class into a <see cref="KernelTarget"/>: plain data about what to declare, or the
    /// reasons it cannot be declared.</summary>
    internal static class KernelTargetParser
    {
        public static KernelTarget Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var classSyntax = (ClassDeclarationSyntax)context.TargetNode;
            var symbol = (INamedTypeSymbol)context.TargetSymbol;
            AttributeData attribute = context.Attributes[0];
            LocationInfo? attributeLocation = LocationInfo.From(
                attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? classSyntax.Identifier.GetLocation());
            string displayName = symbol.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);
            try
            {
                bool allowUnsafe = context.SemanticModel.Compilation.Options is CSharpCompilationOptions { AllowUnsafe: true };
                return ParseCore(classSyntax, symbol, attribute, attributeLocation, displayName, allowUnsafe, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Never let a bug here fail the user's build with a stack trace: say what happened on the attribute.
                return new KernelTarget(null, attributeLocation, new EquatableArray<DiagnosticInfo>(new[]
                {
                    DiagnosticInfo.Create(LutKernelDiagnostics.GeneratorFailed, attributeLocation, displayName, e.GetType().Name + ": " + e.Message),
                }));
            }
        }

        private static KernelTarget ParseCore(ClassDeclarationSyntax classSyntax, INamedTypeSymbol symbol, AttributeData attribute,
            LocationInfo? attributeLocation, string displayName, bool allowUnsafe, CancellationToken cancellationToken)
        {
            var diagnostics = new List<DiagnosticInfo>();
            LocationInfo? classLocation = LocationInfo.From(classSyntax.Identifier.GetLocation());

            string? modelPath = ReadModelPath(attribute, out string? pathProblem);
            if (modelPath is null)
            {
                LocationInfo? argumentLocation = attributeLocation;
                if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax { ArgumentList.Arguments.Count: > 0 } syntax)
                {
                    argumentLocation = LocationInfo.From(syntax.ArgumentList!.Arguments[0].GetLocation());
                }

                diagnostics.Add(DiagnosticInfo.Create(LutKernelDiagnostics.InvalidModelPath, argumentLocation, displayName, pathProblem!));
            }

            var shapeProblems = new List<string>();
            if (!symbol.IsStatic)
            {
                shapeProblems.Add("the class is not static (declare it 'static partial class " + symbol.Name + "')");
            }

            if (!classSyntax.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                shapeProblems.Add("the class is not partial (declare it 'static partial class " + symbol.Name + "')");
            }

            if (symbol.IsGenericType)
            {
                shapeProblems.Add("generic kernel classes are not supported (remove the type parameters)");
            }

            if (symbol.IsFileLocal)
            {
                shapeProblems.Add("a file-local class cannot be completed from the generated file (make it internal or public)");
            }

            // The C# writer declares the class at namespace level; a nested kernel class is reported, not guessed at.
            if (symbol.ContainingType is not null)
            {
                shapeProblems.Add("it is nested in '" + symbol.ContainingType.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat) +
                    "'; declare kernel classes directly in a namespace");
            }

            if (shapeProblems.Count > 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(LutKernelDiagnostics.NotStaticPartial, classLocation, displayName,
                    string.Join("; ", shapeProblems)));
            }

            if (diagnostics.Count > 0)
            {
                return new KernelTarget(null, attributeLocation, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));
            }

            string? ns = symbol.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
            var declaration = new KernelDeclaration(
                ns,
                symbol.Name,
                symbol.DeclaredAccessibility == Accessibility.Public ? "public" : "internal",
                modelPath!,
                allowUnsafe)
            {
                HintName = HintNameOf(symbol),
                DisplayName = displayName,
            };
            return new KernelTarget(declaration, attributeLocation, EquatableArray<DiagnosticInfo>.Empty);
        }

        private static string? ReadModelPath(AttributeData attribute, out string? problem)
        {
            problem = null;
            if (attribute.ConstructorArguments.Length != 1)
            {
                problem = "the attribute takes exactly one argument";
                return null;
            }

            TypedConstant argument = attribute.ConstructorArguments[0];
            if (argument.Kind == TypedConstantKind.Error)
            {
                problem = "the argument is not a compile-time constant";
                return null;
            }

            if (argument.Value is not string path)
            {
                problem = "the argument is null";
                return null;
            }

            if (path.Trim().Length == 0)
            {
                problem = "the argument is empty";
                return null;
            }

            return path;
        }

        // Namespace-level kernel classes are unique by full name, which is also a valid file name.
        private static string HintNameOf(INamedTypeSymbol symbol)
            => (symbol.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." : "") +
               symbol.Name + ".LutKernel.g.cs";
    }
}
