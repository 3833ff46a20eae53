using Dvar.Cli.Output;
using Dvar.Cli.Training;

namespace Dvar.Cli.Demo;

/// <summary>One row of the demo's Table 1: a method and a way of stopping, as mean and standard deviation over concepts.</summary>
/// <param name="Method">The method.</param>
/// <param name="Kind">The way of stopping.</param>
/// <param name="Concepts">The number of concepts averaged.</param>
/// <param name="Steps">Steps trained.</param>
/// <param name="Seconds">The charged time in seconds (see <see cref="DemoRunResult.ChargedTime"/>).</param>
/// <param name="TrainImage">Train img.</param>
/// <param name="ValidationImage">Val img.</param>
/// <param name="ValidationText">Val txt analogue.</param>
/// <param name="ConceptAccuracy">Concept accuracy of the training-prompt samples.</param>
internal sealed record DemoTableRow(
    TrainMethod Method,
    DemoRunKind Kind,
    int Concepts,
    (double Mean, double Std) Steps,
    (double Mean, double Std) Seconds,
    (double Mean, double Std) TrainImage,
    (double Mean, double Std) ValidationImage,
    (double Mean, double Std) ValidationText,
    (double Mean, double Std) ConceptAccuracy)
{
    /// <summary>Builds the rows of every method and kind present in the results.</summary>
    /// <param name="results">The jobs' results.</param>
    /// <returns>The rows, by method then kind (budget, CLIP-s, DVAR).</returns>
    public static IReadOnlyList<DemoTableRow> From(IReadOnlyList<DemoJobResult> results)
    {
        var rows = new List<DemoTableRow>();
        foreach (var method in results.Select(r => r.Recipe.Method).Distinct())
        {
            var jobs = results.Where(r => r.Recipe.Method == method).ToList();
            foreach (var kind in Enum.GetValues<DemoRunKind>())
            {
                var runs = jobs.Select(j => j.Runs[kind]).ToList();
                rows.Add(new DemoTableRow(
                    method,
                    kind,
                    runs.Count,
                    SummaryStatistics.MeanStd([.. runs.Select(r => (double)r.StepsTrained)]),
                    SummaryStatistics.MeanStd([.. runs.Select(r => r.ChargedTime.TotalSeconds)]),
                    SummaryStatistics.MeanStd([.. runs.Select(r => r.Quality.TrainImage)]),
                    SummaryStatistics.MeanStd([.. runs.Select(r => r.Quality.ValidationImage)]),
                    SummaryStatistics.MeanStd([.. runs.Select(r => r.Quality.ValidationText)]),
                    SummaryStatistics.MeanStd([.. runs.Select(r => r.Quality.ConceptAccuracy)])));
            }
        }

        return rows;
    }
}
