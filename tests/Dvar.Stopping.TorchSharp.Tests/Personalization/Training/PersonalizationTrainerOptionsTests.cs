using Dvar.Stopping.Criteria;
using Dvar.Stopping.Evaluation;
using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.Personalization.Training;
using Dvar.Stopping.Training;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Training;

public class PersonalizationTrainerOptionsTests : IClassFixture<PersonalizationTrainerOptionsTests.SharedSetup>
{
    private readonly Setup _setup;

    public PersonalizationTrainerOptionsTests(SharedSetup shared)
    {
        _setup = shared.Setup;
    }

    public static TheoryData<string, string> InvalidOptions => new()
    {
        { "MaxSteps = 0", nameof(PersonalizationTrainerOptions.MaxSteps) },
        { "LearningRate = 0", nameof(PersonalizationTrainerOptions.LearningRate) },
        { "LearningRate = NaN", nameof(PersonalizationTrainerOptions.LearningRate) },
        { "BatchSize = 0", nameof(PersonalizationTrainerOptions.BatchSize) },
        { "MaxGradientNorm = 0", nameof(PersonalizationTrainerOptions.MaxGradientNorm) },
        { "MaxGradientNorm = NaN", nameof(PersonalizationTrainerOptions.MaxGradientNorm) },
        { "TrainingSeed = -1", nameof(PersonalizationTrainerOptions.TrainingSeed) },
        { "EvaluationSeed = -1", nameof(PersonalizationTrainerOptions.EvaluationSeed) },
        { "EvaluationBatchSize = 0", nameof(PersonalizationTrainerOptions.EvaluationBatchSize) },
        { "EvaluationBatchSize = 1001", nameof(PersonalizationTrainerOptions.EvaluationBatchSize) },
        { "EvaluationFrequency = -1", nameof(PersonalizationTrainerOptions.EvaluationFrequency) },
        { "FrozenSources = 32", nameof(PersonalizationTrainerOptions.FrozenSources) },
        { "CheckpointInterval = -1", nameof(PersonalizationTrainerOptions.CheckpointInterval) },
        { "PriorLossWeight = -1", nameof(PersonalizationTrainerOptions.PriorLossWeight) },
        { "PriorLossWeight = Infinity", nameof(PersonalizationTrainerOptions.PriorLossWeight) },
        { "OutputFolder = blank", nameof(PersonalizationTrainerOptions.OutputFolder) },
        { "Criterion used", nameof(PersonalizationTrainerOptions.Criterion) },
        { "Monitor.LogEvery = 0", nameof(StoppingMonitorOptions.LogEvery) },
        { "Method null", nameof(PersonalizationTrainerOptions.Method) },
        { "Method not attached", nameof(PersonalizationTrainerOptions.Method) },
        { "Data null", nameof(PersonalizationTrainerOptions.Data) },
        { "Data placeholder", nameof(PersonalizationTrainerOptions.Data) },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Ctor_InvalidOption_ThrowsNamingTheOption(string change, string option)
    {
        var options = Apply(TrainerRun.Options(_setup, maxSteps: 3), change);

        var e = Assert.ThrowsAny<ArgumentException>(() => new PersonalizationTrainer(options));

        Assert.Equal(option, e.ParamName);
        Assert.Contains(option, e.Message);
    }

    [Fact]
    public void Ctor_OptionsLeftNull_TakeTheMethodDefaults()
    {
        var options = new PersonalizationTrainerOptions { Method = _setup.Method, Data = _setup.Data, OutputFolder = _setup.Output };

        var trainer = new PersonalizationTrainer(options);

        var defaults = _setup.Method.Defaults;
        Assert.Equal(defaults.MaxSteps, trainer.Options.EffectiveMaxSteps);
        Assert.Equal(defaults.LearningRate, trainer.Options.EffectiveLearningRate);
        Assert.Equal(defaults.BatchSize, trainer.Options.EffectiveBatchSize);
        Assert.Equal(defaults.MaxGradientNorm, trainer.Options.EffectiveMaxGradientNorm);
        Assert.Null((options with { MaxGradientNorm = double.PositiveInfinity }).EffectiveMaxGradientNorm);
        Assert.Null(options.EvaluationBatchSize);
        Assert.Equal(defaults.EvaluationBatchSize, trainer.Options.EffectiveEvaluationBatchSize);
        Assert.Equal(1, options.EvaluationFrequency);
        Assert.Equal(FrozenSources.All, options.FrozenSources);
        Assert.NotEqual(options.TrainingSeed, options.EvaluationSeed);
    }

    private PersonalizationTrainerOptions Apply(PersonalizationTrainerOptions options, string change)
    {
        switch (change)
        {
            case "MaxSteps = 0": return options with { MaxSteps = 0 };
            case "LearningRate = 0": return options with { LearningRate = 0 };
            case "LearningRate = NaN": return options with { LearningRate = double.NaN };
            case "BatchSize = 0": return options with { BatchSize = 0 };
            case "MaxGradientNorm = 0": return options with { MaxGradientNorm = 0 };
            case "MaxGradientNorm = NaN": return options with { MaxGradientNorm = double.NaN };
            case "TrainingSeed = -1": return options with { TrainingSeed = -1 };
            case "EvaluationSeed = -1": return options with { EvaluationSeed = -1 };
            case "EvaluationBatchSize = 0": return options with { EvaluationBatchSize = 0 };
            case "EvaluationBatchSize = 1001": return options with { EvaluationBatchSize = 1001 };
            case "EvaluationFrequency = -1": return options with { EvaluationFrequency = -1 };
            case "FrozenSources = 32": return options with { FrozenSources = (FrozenSources)32 };
            case "CheckpointInterval = -1": return options with { CheckpointInterval = -1 };
            case "PriorLossWeight = -1": return options with { PriorLossWeight = -1 };
            case "PriorLossWeight = Infinity": return options with { PriorLossWeight = double.PositiveInfinity };
            case "OutputFolder = blank": return options with { OutputFolder = " " };
            case "Monitor.LogEvery = 0": return options with { Monitor = new StoppingMonitorOptions { LogEvery = 0 } };
            case "Method null": return options with { Method = null! };
            case "Data null": return options with { Data = null! };
            case "Criterion used":
                var criterion = new DvarCriterion(new DvarOptions());
                criterion.Observe(1.0);
                return options with { Criterion = criterion };
            case "Method not attached":
                return options with { Method = SingleParameterMethod.UnetConvInBias() };
            case "Data placeholder":
                // Shares the fixture's images (never disposed here: the fixture owns them).
                return options with { Data = new ConceptData(_setup.Data.Images, _setup.Data.Templates, "other") };
            default:
                throw new ArgumentOutOfRangeException(nameof(change), change, "Unknown case.");
        }
    }

    /// <summary>One tiny pipeline and concept for every case: validation changes nothing.</summary>
    public sealed class SharedSetup : IDisposable
    {
        internal Setup Setup { get; } = Setup.Create(SingleParameterMethod.UnetConvInBias());

        public void Dispose() => Setup.Dispose();
    }
}
