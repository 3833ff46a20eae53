namespace Dvar.Stopping.TorchSharp.Personalization.Data;

/// <summary>One training item: which image and which caption template.</summary>
/// <param name="ImageIndex">The image, an index into <see cref="ConceptImages"/>.</param>
/// <param name="TemplateIndex">The template, an index into <see cref="PromptTemplateSet.Templates"/>.</param>
public readonly record struct ConceptItem(int ImageIndex, int TemplateIndex);
