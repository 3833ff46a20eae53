using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;
using Dvar.Stopping.TorchSharp.Tensors;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Lora;

/// <summary>
/// The LoRA adapter of a linear <see cref="Projection"/>: <c>y = W x + b + scale · up(down(x))</c>. It sits in the projection's
/// slot, so the model's state-dict keys stay unchanged (<c>weight</c>, <c>bias</c>) and the update appears under the projection
/// as <c>lora.down.weight</c> / <c>lora.up.weight</c> (diffusers' LoRA file keys, without the <c>unet.</c> prefix).
/// </summary>
/// <remarks>
/// Mixed precision: the update's weights are float32; when the base is float16/bfloat16, x is cast to float32 for the update, the
/// base output is added in float32 and the sum is cast back to the base dtype. With <c>up = 0</c> the output is exactly the base
/// projection's.
/// </remarks>
internal sealed class LoraLinear : IProjectionAdapter
{
    /// <summary>The name the update's weights are registered under in the projection.</summary>
    public const string ModuleName = "lora";

    private LoraLinear(LoraLayer lora, double scale)
    {
        Lora = lora;
        Scale = scale;
    }

    /// <summary>The factor of the update (alpha / rank for training; the user's scale times any stored alpha / rank when loaded).</summary>
    public double Scale { get; }

    /// <summary>The update's weights.</summary>
    public LoraLayer Lora { get; }

    /// <summary>Whether the update's weights require gradients.</summary>
    public bool IsTrainable => Lora.Down.requires_grad;

    /// <summary>Puts a LoRA into the projection's slot; its base weight and bias stay as they are (frozen by the caller).</summary>
    /// <param name="projection">The projection adapted; its slot must be empty.</param>
    /// <param name="down">[r, in] float32 on the projection's device; moved into a parameter.</param>
    /// <param name="up">[out, r] float32 on the projection's device; moved into a parameter.</param>
    /// <param name="scale">The update's factor.</param>
    /// <param name="trainable">Whether <paramref name="down"/> and <paramref name="up"/> train.</param>
    /// <returns>The adapter.</returns>
    /// <exception cref="InvalidOperationException">The projection has an adapter already.</exception>
    public static LoraLinear Attach(Projection projection, Tensor down, Tensor up, double scale, bool trainable)
    {
        var lora = new LoraLayer(down, up, trainable);
        var adapter = new LoraLinear(lora, scale);
        try
        {
            projection.Attach(adapter, ModuleName, lora);
        }
        catch
        {
            lora.Dispose();
            throw;
        }

        return adapter;
    }

    /// <inheritdoc/>
    public Tensor Forward(Projection projection, Tensor x)
    {
        using var scope = NewDisposeScope();
        var result = projection.Linear(x);
        var update = Lora.call(x.to_type(ScalarType.Float32)).Times(Scale);
        var output = result.dtype == ScalarType.Float32
            ? result.Plus(update)
            : result.to_type(ScalarType.Float32).Plus(update).to_type(result.dtype);
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>Folds the update into the projection, <c>W ← W + scale · up @ down</c> (computed in float32, stored in the base
    /// dtype), and empties its slot; the update's weights are disposed.</summary>
    /// <param name="projection">The projection whose slot holds this adapter.</param>
    /// <exception cref="ArgumentException">The projection's slot holds another adapter.</exception>
    public void FuseInto(Projection projection)
    {
        if (!ReferenceEquals(projection.Adapter, this))
        {
            throw new ArgumentException("The projection's slot does not hold this LoRA.", nameof(projection));
        }

        using (NewDisposeScope())
        using (no_grad())
        {
            var weight = projection.Weight;
            var delta = Lora.Up.matmul(Lora.Down).Times(Scale);
            weight.copy_(weight.to_type(ScalarType.Float32).Plus(delta).to_type(weight.dtype));
        }

        projection.Detach();
        Lora.Dispose();
    }
}
