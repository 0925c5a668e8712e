using System;
using System.Collections.Generic;
using System.Threading;
using KernelCompiler.Generators.Pipeline;
using KernelCompiler.Emit;
using KernelCompiler.NetworkKernels;
using KernelCompiler.Planning;

namespace KernelCompiler.Generators
{
    /// <summary>Model text → <see cref="LutModel"/> → <see cref="KernelPlan"/> → C# (or network text →
    /// <see cref="LutNetwork"/> → <see cref="NetworkPlan"/> → C#), with the runtime's own reader, planners and writers. Every failure becomes a <see cref="KernelProblem"/>; nothing is thrown to the compiler.</summary>
    internal static class KernelSourceBuilder
    {
        public static KernelResult Build(KernelInput input, CancellationToken cancellationToken)
        {
            KernelRequest request = input.Request;
            KernelDeclaration declaration = request.Declaration;
            var problems = new List<KernelProblem>();
            string? source = null;
            try
            {
                if (request.ResolvedPath is null)
                {
                    problems.Add(Problem(LutKernelDiagnostics.ModelFileNotFound, declaration.ModelPath, declaration.DisplayName,
                        request.MissingReason ?? "it was not found"));
                }
                else if (input.Text is null)
                {
                    problems.Add(Problem(LutKernelDiagnostics.InvalidModel, declaration.DisplayName,
                        declaration.ModelPath + ": the file cannot be read"));
                }
                else
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    // The same attribute on a network file (version 2 with a kind, told apart by content) generates the network kernel.
                    LutFile file = LutFile.ParseKernelFile(input.Text, declaration.ModelPath);
                    cancellationToken.ThrowIfCancellationRequested();
                    if (file.Network is LutNetwork network)
                    {
                        NetworkPlan networkPlan = NetworkPlan.Create(network);
                        cancellationToken.ThrowIfCancellationRequested();
                        source = CSharpNetworkWriter.Write(networkPlan, new KernelSourceInfo(declaration.ClassName,
                            declaration.Namespace, declaration.Accessibility, declaration.ModelPath, declaration.AllowUnsafeBlocks));
                        return new KernelResult(declaration, declaration.HintName, source, new EquatableArray<KernelProblem>(problems.ToArray()));
                    }

                    LutModel model = file.Model!;
                    KernelPlan plan = KernelPlanner.Create(model, new KernelPlanOptions());
                    if (plan.Strategy == KernelStrategy.TableDriven)
                    {
                        problems.Add(Problem(LutKernelDiagnostics.TableDriven, model.Name, declaration.DisplayName,
                            plan.StrategyReason ?? "the planner chose the table-driven kernel"));
                    }

                    source = CSharpKernelWriter.Write(plan, new KernelSourceInfo(declaration.ClassName,
                        declaration.Namespace, declaration.Accessibility, declaration.ModelPath, declaration.AllowUnsafeBlocks));
                }
            }
            catch (LutModelException e)
            {
                problems.Add(Problem(LutKernelDiagnostics.InvalidModel, declaration.DisplayName, e.Message));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                problems.Add(Problem(LutKernelDiagnostics.GeneratorFailed, declaration.DisplayName, e.GetType().Name + ": " + e.Message));
                source = null;
            }

            return new KernelResult(declaration, declaration.HintName, source, new EquatableArray<KernelProblem>(problems.ToArray()));
        }

        private static KernelProblem Problem(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, params string[] arguments)
            => new KernelProblem(descriptor.Id, new EquatableArray<string>(arguments));
    }
}
