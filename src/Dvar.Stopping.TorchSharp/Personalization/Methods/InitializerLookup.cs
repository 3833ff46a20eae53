namespace Dvar.Stopping.TorchSharp.Personalization.Methods;

/// <summary>How an initializer string names the token whose embedding a new token starts from.</summary>
internal enum InitializerLookup
{
    /// <summary>The text is encoded and must give exactly one token (<c>toy</c> is <c>toy&lt;/w&gt;</c>): diffusers' Textual Inversion.</summary>
    Word,

    /// <summary>The text is a raw vocabulary entry (<c>ktn</c>, <c>toy&lt;/w&gt;</c>): <c>tokenizer.encode([token])</c>, as the authors do
    /// (<c>textual_inversion.py:145</c>).</summary>
    VocabularyEntry,

    /// <summary>A raw entry when it is one, otherwise an encoded word.</summary>
    VocabularyEntryOrWord,
}
