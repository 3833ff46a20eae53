using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Layers;

public class AttentionTests
{
    [Fact]
    public void Forward_SelfAttention_MatchesReference()
    {
        using var attention = new Attention(queryDim: 12, heads: 3, dimHead: 4);
        LayerTestWeights.Randomize(attention, seed: 1);
        using var x = LayerTestWeights.Normal(2, 2, 5, 12);

        using var actual = attention.forward(x, null);

        using var expected = Reference(attention, x, x, heads: 3, hasQkvBias: false);
        TensorAssert.Close(actual, expected, atol: 1e-5, rtol: 1e-4, "self-attention");
    }

    [Fact]
    public void Forward_CrossAttention_MatchesReference()
    {
        using var attention = new Attention(queryDim: 16, crossAttentionDim: 6, heads: 2, dimHead: 8);
        LayerTestWeights.Randomize(attention, seed: 3);
        using var x = LayerTestWeights.Normal(4, 2, 7, 16);
        using var context = LayerTestWeights.Normal(5, 2, 3, 6);

        using var actual = attention.forward(x, context);

        using var expected = Reference(attention, x, context, heads: 2, hasQkvBias: false);
        TensorAssert.Close(actual, expected, atol: 1e-5, rtol: 1e-4, "cross-attention");
    }

    [Fact]
    public void Forward_VaeModeOnFeatureMap_MatchesReference()
    {
        // The VAE mid-block attention: q/k/v biases, group_norm first, residual, rescale, on [B, C, H, W].
        using var attention = new Attention(queryDim: 8, heads: 1, dimHead: 8, bias: true, normNumGroups: 2, eps: 1e-6, residualConnection: true, rescaleOutputFactor: 2.0);
        LayerTestWeights.Randomize(attention, seed: 6);
        using var x = LayerTestWeights.Normal(7, 2, 8, 3, 5);

        using var actual = attention.forward(x, null);

        using var scope = NewDisposeScope();
        var x64 = x.to_type(ScalarType.Float64);
        var tokens = x64.flatten(2).transpose(1, 2);
        var normed = nn.functional.group_norm(x64, 2, LayerTestWeights.Float64(attention, "group_norm.weight"), LayerTestWeights.Float64(attention, "group_norm.bias"), 1e-6).flatten(2).transpose(1, 2);
        var attended = ReferenceOnTokens(attention, normed, normed, heads: 1, hasQkvBias: true);
        var expected = (attended + tokens) / 2.0;
        TensorAssert.Close(actual, expected.transpose(1, 2).reshape(2, 8, 3, 5), atol: 1e-5, rtol: 1e-4, "VAE attention");
    }

    [Fact]
    public void StateDict_UNetAndVaeModes_HaveDiffusersKeys()
    {
        using var unet = new Attention(queryDim: 8, crossAttentionDim: 4, heads: 2, dimHead: 4);
        using var vae = new Attention(queryDim: 8, heads: 1, dimHead: 8, bias: true, normNumGroups: 2);

        Assert.Equal(["to_q.weight", "to_k.weight", "to_v.weight", "to_out.0.weight", "to_out.0.bias"], unet.state_dict().Keys);
        Assert.Equal(
            ["group_norm.weight", "group_norm.bias", "to_q.weight", "to_q.bias", "to_k.weight", "to_k.bias", "to_v.weight", "to_v.bias", "to_out.0.weight", "to_out.0.bias"],
            vae.state_dict().Keys);
        Assert.Equal([8L, 4L], unet.state_dict()["to_k.weight"].shape);
    }

    [Theory]
    [InlineData(nameof(AttentionProjection.Query), "to_q")]
    [InlineData(nameof(AttentionProjection.Key), "to_k")]
    [InlineData(nameof(AttentionProjection.Value), "to_v")]
    [InlineData(nameof(AttentionProjection.Output), "to_out.0")]
    public void AttachAdapter_KeepsEveryKeyInPlaceAddsItsOwnAndUsesIt(string which, string name)
    {
        var projection = Enum.Parse<AttentionProjection>(which);
        using var attention = new Attention(queryDim: 8, crossAttentionDim: 4, heads: 2, dimHead: 4);
        LayerTestWeights.Randomize(attention, seed: 8);
        using var x = LayerTestWeights.Normal(9, 1, 3, 8);
        using var context = LayerTestWeights.Normal(10, 1, 2, 4);
        var keysBefore = attention.state_dict().Keys.ToList();
        var slot = attention.GetProjection(projection);
        Assert.Same(slot, attention.named_modules().Single(m => m.name == name).module);

        // An adapter that doubles the projection and registers one parameter of its own: the result must be the reference
        // computed with that projection's weights doubled, and the keys those of before plus the adapter's, after the slot's.
        using var extra = new DoublingParameters();
        slot.Attach(new Doubling(), "extra", extra);
        using var actual = attention.forward(x, context);

        var expectedKeys = new List<string>(keysBefore);
        expectedKeys.Insert(keysBefore.FindLastIndex(k => k.StartsWith(name + ".", StringComparison.Ordinal)) + 1, name + ".extra.marker");
        Assert.Equal(expectedKeys, attention.state_dict().Keys);
        using (var doubled = new Attention(queryDim: 8, crossAttentionDim: 4, heads: 2, dimHead: 4))
        {
            LayerTestWeights.Randomize(doubled, seed: 8);
            using (no_grad())
            {
                doubled.GetProjection(projection).Weight.mul_(2L.ToScalar());
                doubled.GetProjection(projection).Bias?.mul_(2L.ToScalar());
            }

            using var expected = Reference(doubled, x, context, heads: 2, hasQkvBias: false);
            TensorAssert.Close(actual, expected, atol: 1e-5, rtol: 1e-4, $"{name} adapted");
        }

        Assert.IsType<Doubling>(slot.Detach());
        Assert.Null(slot.Adapter);
        Assert.Equal(keysBefore, attention.state_dict().Keys);
    }

    [Fact]
    public void Attach_SlotHoldsAnAdapter_Throws()
    {
        using var attention = new Attention(queryDim: 8, heads: 2, dimHead: 4);
        var slot = attention.GetProjection(AttentionProjection.Query);
        slot.Attach(new Doubling());

        Assert.Throws<InvalidOperationException>(() => slot.Attach(new Doubling()));
    }

    [Fact]
    public void Forward_ContextOfWrongWidth_ThrowsNamingShape()
    {
        using var attention = new Attention(queryDim: 8, crossAttentionDim: 4, heads: 2, dimHead: 4);
        using var x = zeros(1, 3, 8);
        using var context = zeros(1, 2, 5);

        var e = Assert.Throws<ArgumentException>(() => attention.forward(x, context));

        Assert.Equal("encoder_hidden_states", e.ParamName);
        Assert.Contains("[1, 2, 5]", e.Message);
    }

    /// <summary>softmax(Q Kᵀ / sqrt(d)) V per head with to_out.0, from the module's parameters, in float64.</summary>
    private static Tensor Reference(Attention attention, Tensor x, Tensor context, long heads, bool hasQkvBias)
    {
        using var scope = NewDisposeScope();
        return ReferenceOnTokens(attention, x.to_type(ScalarType.Float64), context.to_type(ScalarType.Float64), heads, hasQkvBias).MoveToOuterDisposeScope();
    }

    private static Tensor ReferenceOnTokens(Attention attention, Tensor x, Tensor context, long heads, bool hasQkvBias)
    {
        Tensor Project(string name, Tensor input, bool bias) =>
            nn.functional.linear(input, LayerTestWeights.Float64(attention, $"{name}.weight"), bias ? LayerTestWeights.Float64(attention, $"{name}.bias") : null);

        Tensor SplitHeads(Tensor t) => t.reshape(t.shape[0], t.shape[1], heads, -1).permute(0, 2, 1, 3);

        var q = SplitHeads(Project("to_q", x, hasQkvBias));
        var k = SplitHeads(Project("to_k", context, hasQkvBias));
        var v = SplitHeads(Project("to_v", context, hasQkvBias));
        double scale = 1.0 / Math.Sqrt(q.shape[3]);
        var probabilities = (q.matmul(k.transpose(-1, -2)) * scale).softmax(-1);
        var merged = probabilities.matmul(v).permute(0, 2, 1, 3).reshape(x.shape[0], x.shape[1], -1);
        return Project("to_out.0", merged, bias: true);
    }

    private sealed class Doubling : IProjectionAdapter
    {
        public Tensor Forward(Projection projection, Tensor x)
        {
            using var plain = projection.Linear(x);
            return plain.mul(2L.ToScalar());
        }
    }

    private sealed class DoublingParameters : nn.Module
    {
        private readonly Parameter marker = new(zeros(1), requires_grad: false);

        public DoublingParameters()
            : base(nameof(DoublingParameters)) => RegisterComponents();
    }
}
