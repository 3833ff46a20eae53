using Dvar.Stopping.TorchSharp.StableDiffusion.Unet;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Lora;

/// <summary>Puts LoRA layers into a UNet (trainable or loaded), and fuses them back into plain linear layers.</summary>
internal static class LoraAdapters
{
    /// <summary>The target projections of a UNet, each checked to have no adapter; changes nothing.</summary>
    /// <param name="unet">The UNet.</param>
    /// <param name="includeFeedForward">Whether to adapt the GEGLU projections too.</param>
    /// <returns>The targets, in target order.</returns>
    /// <exception cref="ArgumentException">A target is not a plain linear projection (e.g. it already has a LoRA); the message names it.</exception>
    public static IReadOnlyList<LoraTarget> PlainTargets(UNet2DConditionModel unet, bool includeFeedForward)
    {
        var targets = LoraTargets.Find(unet, includeFeedForward);
        if (targets.FirstOrDefault(t => t.Projection.Adapter is not null) is { } adapted)
        {
            throw new ArgumentException($"{adapted.Path} is not a plain linear layer (it already has a LoRA or another adapter).", nameof(unet));
        }

        return targets;
    }

    /// <summary>
    /// Wraps target layers with a trainable LoRA: <c>down ~ N(0, (1/r)²)</c> drawn from a CPU generator seeded with
    /// <paramref name="seed"/> (layer by layer in target order), <c>up = 0</c>, scale <c>alpha / r</c>; float32 on the layer's device.
    /// </summary>
    /// <param name="targets">The targets, from <see cref="PlainTargets"/>.</param>
    /// <param name="rank">r ≥ 1.</param>
    /// <param name="alpha">alpha &gt; 0.</param>
    /// <param name="seed">The seed of the initialisation.</param>
    /// <returns>The wrappers by module path, in target order.</returns>
    public static IReadOnlyList<(string Path, LoraLinear Layer)> AttachTrainable(IReadOnlyList<LoraTarget> targets, int rank, double alpha, ulong seed)
    {
        using var generator = new Generator(seed);
        var layers = new List<(string Path, LoraLinear Layer)>(targets.Count);
        foreach (var target in targets)
        {
            var projection = target.Projection;
            var device = projection.Weight.device;
            Tensor down, up;
            using (NewDisposeScope())
            {
                down = normal(0.0, 1.0 / rank, [rank, projection.InFeatures], dtype: ScalarType.Float32, generator: generator)
                    .to(device).DetachFromDisposeScope();
                up = zeros(projection.OutFeatures, rank, dtype: ScalarType.Float32, device: device).DetachFromDisposeScope();
            }

            layers.Add((target.Path, LoraLinear.Attach(projection, down, up, alpha / rank, trainable: true)));
        }

        return layers;
    }

    /// <summary>Wraps the layers named in a LoRA file with its (frozen, float32) weights at a scale.</summary>
    /// <param name="unet">The UNet.</param>
    /// <param name="path">The file.</param>
    /// <param name="scale">The factor of every update.</param>
    /// <returns>The module paths adapted, in file order.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file does not fit the UNet (nothing is changed then); see <see cref="LoraWeightsFile.Read"/>.</exception>
    public static IReadOnlyList<string> LoadFrozen(UNet2DConditionModel unet, string path, double scale)
    {
        var targets = LoraTargets.Find(unet, includeFeedForward: true).ToDictionary(t => t.Path, StringComparer.Ordinal);
        var weights = LoraWeightsFile.Read(path, targets);
        var device = unet.parameters().First().device;
        foreach (var (modulePath, (down, up)) in weights)
        {
            var target = targets[modulePath];
            using var storedDown = down;
            using var storedUp = up;
            var (deviceDown, deviceUp) = (storedDown.to(device, copy: true), storedUp.to(device, copy: true));
            LoraLinear.Attach(target.Projection, deviceDown, deviceUp, scale, trainable: false);
        }

        return [.. weights.Keys];
    }

    /// <summary>Folds every frozen LoRA of a UNet into its projection, <c>W + scale · up @ down</c>, leaving plain projections.</summary>
    /// <param name="unet">The UNet.</param>
    /// <returns>The number of layers fused.</returns>
    /// <exception cref="InvalidOperationException">A LoRA is still training (nothing is fused then).</exception>
    public static int FuseAll(UNet2DConditionModel unet)
    {
        var wrapped = LoraTargets.Find(unet, includeFeedForward: true)
            .Select(t => (Target: t, Layer: t.Projection.Adapter as LoraLinear))
            .Where(t => t.Layer is not null)
            .ToList();
        if (wrapped.FirstOrDefault(w => w.Layer!.IsTrainable) is { Target: { } training })
        {
            throw new InvalidOperationException(
                $"{training.Path} has a trainable LoRA; save the method's artifacts and load them into a pipeline to fuse them.");
        }

        foreach (var (target, layer) in wrapped)
        {
            layer!.FuseInto(target.Projection);
        }

        return wrapped.Count;
    }
}
