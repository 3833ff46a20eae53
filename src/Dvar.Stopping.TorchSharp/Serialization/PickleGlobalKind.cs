namespace Dvar.Stopping.TorchSharp.Serialization;

/// <summary>What an allow-listed global of a <c>torch.save</c> pickle stands for.</summary>
internal enum PickleGlobalKind
{
    /// <summary><c>collections.OrderedDict</c>: called with no arguments, it makes an empty dict.</summary>
    OrderedDict,

    /// <summary><c>torch._utils._rebuild_tensor_v2</c>: (storage, offset, size, stride, requires_grad, backward_hooks[, metadata]).</summary>
    RebuildTensorV2,

    /// <summary><c>torch._utils._rebuild_tensor</c>: (storage, offset, size, stride).</summary>
    RebuildTensor,

    /// <summary><c>torch._utils._rebuild_parameter</c>: (tensor, requires_grad, backward_hooks); read as the tensor.</summary>
    RebuildParameter,

    /// <summary>A storage type (<c>torch.FloatStorage</c>, ...): only a tag inside a persistent id, never called.</summary>
    StorageType,
}
