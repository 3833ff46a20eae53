using Dvar.Stopping.TorchSharp.StableDiffusion.TextEncoder;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.TextEncoder;

/// <summary>Trainable token rows (ClipTextModel.TokenRows.cs): ids after the table look up separate rows; nothing else changes.</summary>
public class ClipTextModelTokenRowsTests
{
    private static ClipTextModel Load(ScalarType dtype = ScalarType.Float32) =>
        ClipTextModel.FromPretrained(FixturePaths.Get("sd-tiny", "text_encoder"), dtype: dtype);

    [Fact]
    public void AddTrainableTokenRows_NewIds_EncodeAsEmbeddingsWithThoseRows()
    {
        using var model = Load();
        using var initial = randn(2, 32, generator: new Generator(3));
        using var ids = tensor(new long[] { 49406, 320, 49408, 49409, 49407 }).unsqueeze(0);

        var rows = model.AddTrainableTokenRows(initial);

        Assert.Equal(49410, model.VocabularySize);
        Assert.Equal(2, model.TrainableTokenRowCount);
        Assert.Equal(49408, model.Config.VocabSize);
        using var noGrad = no_grad();
        using var table = model.TokenEmbedding.weight!.detach();
        using var expectedEmbeds = cat([table[49406].unsqueeze(0), table[320].unsqueeze(0), initial, table[49407].unsqueeze(0)], 0).unsqueeze(0);
        using var expected = model.ForwardFromTokenEmbeddings(expectedEmbeds);
        using var actual = model.forward(ids);
        Assert.True(actual.Equals(expected));
        Assert.True(rows.requires_grad);
    }

    [Fact]
    public void AddTrainableTokenRows_FrozenIds_GiveTheSameOutputAsBefore()
    {
        using var model = Load();
        using var ids = tensor(new long[] { 49406, 320, 1125, 539, 49407 }).unsqueeze(0);
        using var before = model.forward(ids).detach();
        using var initial = ones(1, 32);

        model.AddTrainableTokenRows(initial);

        using var after = model.forward(ids).detach();
        Assert.True(after.Equals(before));
    }

    [Fact]
    public void AddTrainableTokenRows_Backward_GivesGradientsOnlyToTheRows()
    {
        using var model = Load();
        foreach (var p in model.parameters())
        {
            p.requires_grad_(false);
        }

        using var initial = ones(1, 32);
        var rows = model.AddTrainableTokenRows(initial);
        using var ids = tensor(new long[] { 49406, 49408, 49407 }).unsqueeze(0);

        using var output = model.forward(ids);
        using var loss = output.square().sum();
        loss.backward();

        Assert.NotNull(rows.grad);
        Assert.True(rows.grad!.abs().sum().item<float>() > 0);
        Assert.All(model.named_parameters().Where(p => p.parameter.Handle != rows.Handle), p => Assert.Null(p.parameter.grad));
    }

    [Fact]
    public void AddTrainableTokenRows_RegistersRowsInStateDict()
    {
        using var model = Load();
        using var initial = ones(3, 32);

        model.AddTrainableTokenRows(initial);

        var state = model.state_dict();
        Assert.Equal([3L, 32L], state["text_model.embeddings.trainable_token_rows_0"].shape);
        Assert.Equal([49408L, 32L], state["text_model.embeddings.token_embedding.weight"].shape);
    }

    [Fact]
    public void AddTrainableTokenRows_BFloat16Model_KeepsRowsFloat32()
    {
        using var model = Load(ScalarType.BFloat16);
        using var initial = ones(1, 32, dtype: ScalarType.BFloat16);
        using var ids = tensor(new long[] { 49406, 49408, 49407 }).unsqueeze(0);

        var rows = model.AddTrainableTokenRows(initial);

        Assert.Equal(ScalarType.Float32, rows.dtype);
        using var output = model.forward(ids);
        Assert.Equal(ScalarType.BFloat16, output.dtype);
    }

    [Fact]
    public void AddTrainableTokenRows_WrongWidth_ThrowsNamingShape()
    {
        using var model = Load();
        using var initial = ones(1, 31);

        var e = Assert.Throws<ArgumentException>(() => model.AddTrainableTokenRows(initial));

        Assert.Contains("[1, 31]", e.Message);
        Assert.Equal(0, model.TrainableTokenRowCount);
    }

    [Fact]
    public void Forward_IdBeyondTrainableRows_Throws()
    {
        using var model = Load();
        using var initial = ones(1, 32);
        model.AddTrainableTokenRows(initial);
        using var ids = tensor(new long[] { 49406, 49409, 49407 }).unsqueeze(0);

        var e = Assert.Throws<ArgumentException>(() => model.forward(ids));

        Assert.Contains("[0, 49409)", e.Message);
    }

    [Fact]
    public void ResizeTokenEmbeddings_AfterTrainableRows_ThrowsInvalidOperation()
    {
        using var model = Load();
        using var initial = ones(1, 32);
        model.AddTrainableTokenRows(initial);
        using var more = ones(1, 32);

        Assert.Throws<InvalidOperationException>(() => model.ResizeTokenEmbeddings(49409, more));
    }
}
