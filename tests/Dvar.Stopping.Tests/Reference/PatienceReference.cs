
namespace Dvar.Stopping.Tests.Reference;

/// <summary>Patience on a score to maximise, straight from the specification, reporting the misses and the best index.</summary>
internal static class PatienceReference
{
    public static (ReferenceStep[] Steps, long[] BestObservations) Run(double[] scores, int patience, double minDelta)
    {
        var steps = new ReferenceStep[scores.Length];
        var bests = new long[scores.Length];
        int best = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            if (i > 0 && scores[i] > scores[best] + minDelta)
            {
                best = i;
            }

            int misses = i - best;
            steps[i] = new ReferenceStep(misses, misses > patience);
            bests[i] = best + 1;
        }

        return (steps, bests);
    }
}
