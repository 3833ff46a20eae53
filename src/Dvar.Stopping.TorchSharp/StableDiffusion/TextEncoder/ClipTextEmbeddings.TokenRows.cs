using Dvar.Stopping.TorchSharp.Tensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.TextEncoder;

/// <summary>Trainable token rows appended, at lookup time, after the frozen token embedding table.</summary>
/// <remarks>
/// Personalization trains new tokens without touching the table: their rows are separate float32 parameters registered here
/// as <c>trainable_token_rows_{k}</c> (in the order added), and id <c>V + j</c> (V the table's row count) looks up row j of their
/// concatenation. The lookup is a selection, so frozen ids give exactly the table's rows and only the trainable rows receive
/// gradients; the rows are cast to the table's dtype (mixed precision) inside the autograd graph.
/// </remarks>
internal sealed partial class ClipTextEmbeddings
{
    private const string TrainableRowsName = "trainable_token_rows_";

    private readonly List<Parameter> _trainableRows = [];

    /// <summary>The number of rows of the frozen table.</summary>
    public long FrozenRowCount => token_embedding.weight!.shape[0];

    /// <summary>The number of trainable rows after the table.</summary>
    public long TrainableRowCount => _trainableRows.Sum(rows => rows.shape[0]);

    /// <summary>Appends trainable rows after the table (and after rows added before).</summary>
    /// <param name="rows">A float32 parameter [n, hidden] on the table's device; registered here and owned by this module from now on.</param>
    /// <returns>The name under which <paramref name="rows"/> is registered.</returns>
    public string AddTrainableRows(Parameter rows)
    {
        string name = TrainableRowsName + _trainableRows.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        register_parameter(name, rows);
        _trainableRows.Add(rows);
        return name;
    }

    private Tensor EmbedWithTrainableRows(Tensor input_ids)
    {
        using var scope = NewDisposeScope();
        long frozen = FrozenRowCount;
        long trainable = TrainableRowCount;
        var is_trainable = HeldScalar.WithInteger(frozen, input_ids.ge);
        var frozen_embeds = token_embedding.forward(HeldScalar.WithInteger(frozen - 1, last => input_ids.clamp(max: last)));
        var rows = _trainableRows.Count == 1 ? _trainableRows[0] : cat([.. _trainableRows], 0);
        rows = rows.to(frozen_embeds.dtype);
        var shifted_ids = HeldScalar.WithInteger(frozen, input_ids.sub);
        var trainable_ids = HeldScalar.WithIntegers(0, trainable - 1, (first, last) => shifted_ids.clamp(first, last));
        var trainable_embeds = rows.index_select(0, trainable_ids.flatten()).view(frozen_embeds.shape);
        var inputs_embeds = where(is_trainable.unsqueeze(-1), trainable_embeds, frozen_embeds);
        return inputs_embeds.MoveToOuterDisposeScope();
    }
}
