using Dvar.Stopping.TorchSharp.Personalization.Methods;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Training;

/// <summary>Copies a method's trainable parameters into another instance of the same method on another pipeline (the
/// <see cref="PersonalizationTrainerOptions.EvaluationMethod"/> that L_det is computed on).</summary>
internal static class TrainedParameterCopy
{
    /// <summary>Throws unless <paramref name="target"/> can receive <paramref name="source"/>'s trainable parameters.</summary>
    /// <param name="source">The trained method.</param>
    /// <param name="target">The method to copy into.</param>
    /// <param name="paramName">The option that holds <paramref name="target"/>.</param>
    /// <exception cref="ArgumentException">The target is the source, is not attached, is another method or placeholder, shares
    /// the source's pipeline, or its trainable parameters differ in names or shapes.</exception>
    public static void Validate(PersonalizationMethod source, PersonalizationMethod target, string paramName)
    {
        if (ReferenceEquals(source, target))
        {
            throw new ArgumentException($"{paramName} must be a second instance of the method attached to its own pipeline, not the trained method itself; leave it null to evaluate on the trained method.", paramName);
        }

        var pipeline = target.Pipeline
            ?? throw new ArgumentException($"{paramName} ({target.Name}) is not attached to a pipeline; attach it to its own pipeline of the same model first.", paramName);
        if (ReferenceEquals(pipeline, source.Pipeline))
        {
            throw new ArgumentException($"{paramName} is attached to the trained method's own pipeline; attach it to a second pipeline of the same model (e.g. loaded in float32).", paramName);
        }

        if (target.GetType() != source.GetType() || !string.Equals(target.Name, source.Name, StringComparison.Ordinal))
        {
            throw new ArgumentException($"{paramName} is a {target.Name} method; it must be the trained method's kind, {source.Name}.", paramName);
        }

        if (!string.Equals(target.Placeholder, source.Placeholder, StringComparison.Ordinal))
        {
            throw new ArgumentException($"{paramName}'s placeholder '{target.Placeholder}' differs from the trained method's '{source.Placeholder}'.", paramName);
        }

        var from = source.TrainableParameters;
        var to = target.TrainableParameters;
        if (from.Count != to.Count)
        {
            throw new ArgumentException($"{paramName} has {to.Count} trainable parameters; the trained method has {from.Count}: build both with the same options.", paramName);
        }

        for (int i = 0; i < from.Count; i++)
        {
            if (!string.Equals(from[i].Name, to[i].Name, StringComparison.Ordinal) || !from[i].Parameter.shape.SequenceEqual(to[i].Parameter.shape))
            {
                throw new ArgumentException(
                    $"{paramName}'s trainable parameter {i} is '{to[i].Name}' [{string.Join(", ", to[i].Parameter.shape)}]; the trained method's is " +
                    $"'{from[i].Name}' [{string.Join(", ", from[i].Parameter.shape)}]: build both with the same options on the same model.",
                    paramName);
            }
        }
    }

    /// <summary>Copies every trainable parameter's values (converted to the target's dtype and device) without recording a gradient.</summary>
    /// <param name="source">The trained method.</param>
    /// <param name="target">A method that passed <see cref="Validate"/> for <paramref name="source"/>.</param>
    public static void Copy(PersonalizationMethod source, PersonalizationMethod target)
    {
        using var noGrad = no_grad();
        var from = source.TrainableParameters;
        var to = target.TrainableParameters;
        for (int i = 0; i < from.Count; i++)
        {
            to[i].Parameter.copy_(from[i].Parameter);
        }
    }
}
