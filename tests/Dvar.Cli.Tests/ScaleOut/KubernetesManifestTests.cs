using Dvar.Cli.Tests.Support;
using Dvar.Testing;
using YamlDotNet.RepresentationModel;

namespace Dvar.Cli.Tests.ScaleOut;

/// <summary>The deployment files of docs/scale-out.md: the page shows them as they are, the Indexed Job uses only fields
/// of batch/v1 and has the values the page relies on, and its dvar arguments are a command line dvar accepts.</summary>
public sealed class KubernetesManifestTests
{
    private static readonly string Docs = Path.Combine(Path.GetDirectoryName(FixturePaths.SdTiny)!, "..", "..", "docs");

    // The fields of batch/v1 JobSpec, core/v1 PodSpec and Container that may appear (Kubernetes 1.33); a misspelt field
    // would be dropped silently by a non-strict apply.
    private static readonly string[] JobSpecFields = ["activeDeadlineSeconds", "backoffLimit", "backoffLimitPerIndex", "completionMode", "completions", "managedBy", "manualSelector", "maxFailedIndexes", "parallelism", "podFailurePolicy", "podReplacementPolicy", "selector", "successPolicy", "suspend", "template", "ttlSecondsAfterFinished"];
    private static readonly string[] PodSpecFields = ["activeDeadlineSeconds", "affinity", "containers", "nodeSelector", "priorityClassName", "restartPolicy", "securityContext", "serviceAccountName", "terminationGracePeriodSeconds", "tolerations", "volumes"];
    private static readonly string[] ContainerFields = ["args", "command", "env", "image", "imagePullPolicy", "name", "resources", "securityContext", "volumeMounts", "workingDir"];

    [Theory]
    [InlineData("indexed-job.yaml", "```yaml")]
    [InlineData("array.sbatch", "```bash")]
    [InlineData("Containerfile", "```dockerfile")]
    public void ThePageShowsEachFileAsItIs(string file, string fence)
    {
        string page = File.ReadAllText(Path.Combine(Docs, "scale-out.md"));
        string content = File.ReadAllText(Path.Combine(Docs, "scale-out", file));

        Assert.Contains($"{fence}\n{content}```\n", page, StringComparison.Ordinal);
    }

    [Fact]
    public void IndexedJob_HasTheFieldsThePageReliesOn()
    {
        var job = Load();
        var spec = Map(job, "spec");
        var pod = Map(Map(spec, "template"), "spec");
        var container = Assert.Single(Seq(pod, "containers").Children.Cast<YamlMappingNode>());

        Assert.Equal("batch/v1", Text(job, "apiVersion"));
        Assert.Equal("Job", Text(job, "kind"));
        Assert.Empty(Keys(spec).Except(JobSpecFields));
        Assert.Empty(Keys(pod).Except(PodSpecFields));
        Assert.Empty(Keys(container).Except(ContainerFields));
        Assert.Equal("Indexed", Text(spec, "completionMode"));
        Assert.True(int.Parse(Text(spec, "parallelism"), System.Globalization.CultureInfo.InvariantCulture) <= int.Parse(Text(spec, "completions"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("Failed", Text(spec, "podReplacementPolicy"));
        Assert.Equal("Never", Text(pod, "restartPolicy"));
        Assert.True(int.Parse(Text(pod, "terminationGracePeriodSeconds"), System.Globalization.CultureInfo.InvariantCulture) > 30, "the grace period must exceed Kubernetes' default of 30 s");

        var rules = Seq(Map(spec, "podFailurePolicy"), "rules").Children.Cast<YamlMappingNode>().ToList();
        Assert.Contains(rules, r => Text(r, "action") == "Ignore" && ExitCodes(r).SequenceEqual([Cli.ExitCodes.Terminated]) && Text(Map(r, "onExitCodes"), "containerName") == Text(container, "name"));
        Assert.Contains(rules, r => Text(r, "action") == "FailIndex" && ExitCodes(r).SequenceEqual([Cli.ExitCodes.Usage]));
        Assert.Contains(rules, r => Text(r, "action") == "Ignore" && r.Children.ContainsKey("onPodConditions"));

        string[] args = [.. Seq(container, "args").Children.Select(a => ((YamlScalarNode)a).Value!)];
        string manifest = args[Array.IndexOf(args, "--manifest") + 1];
        string mount = Text(Assert.Single(Seq(container, "volumeMounts").Children.Cast<YamlMappingNode>()), "mountPath");
        Assert.Equal("train", args[0]);
        Assert.Equal("auto", args[Array.IndexOf(args, "--resume") + 1]);
        Assert.StartsWith(mount + "/", manifest, StringComparison.Ordinal);
        Assert.Equal(mount, Text(container, "workingDir"));
        Assert.Equal(Text(Assert.Single(Seq(pod, "volumes").Children.Cast<YamlMappingNode>()), "name"), Text((YamlMappingNode)Seq(container, "volumeMounts").Children[0], "name"));
    }

    [Fact]
    public void IndexedJob_ArgumentsAreACommandLineDvarAccepts()
    {
        string[] args = [.. Seq(Assert.Single(Seq(Map(Map(Map(Load(), "spec"), "template"), "spec"), "containers").Children.Cast<YamlMappingNode>()), "args").Children.Select(a => ((YamlScalarNode)a).Value!)];

        // Parsed by dvar up to reading the manifest, which does not exist here: an input error naming it, not a usage error.
        var run = CliRun.Of([.. args, "--index", "0"]);

        run.AssertFails(Cli.ExitCodes.InputData, "--manifest", args[Array.IndexOf(args, "--manifest") + 1]);
    }

    [Fact]
    public void SlurmScript_RunsTheManifestFromEntryZeroWithResumeAuto()
    {
        string script = File.ReadAllText(Path.Combine(Docs, "scale-out", "array.sbatch"));

        Assert.Contains("#SBATCH --array=0-", script, StringComparison.Ordinal);
        Assert.Contains("srun dvar train --manifest ", script, StringComparison.Ordinal);
        Assert.Contains("--resume auto", script, StringComparison.Ordinal);
        Assert.Contains($"\"$rc\" -eq {Cli.ExitCodes.Terminated}", script, StringComparison.Ordinal);
    }

    private static YamlMappingNode Load()
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Docs, "scale-out", "indexed-job.yaml"));
        stream.Load(reader);
        return (YamlMappingNode)Assert.Single(stream.Documents).RootNode;
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) => Assert.IsType<YamlMappingNode>(node.Children[new YamlScalarNode(key)]);

    private static YamlSequenceNode Seq(YamlMappingNode node, string key) => Assert.IsType<YamlSequenceNode>(node.Children[new YamlScalarNode(key)]);

    private static string Text(YamlMappingNode node, string key) => Assert.IsType<YamlScalarNode>(node.Children[new YamlScalarNode(key)]).Value!;

    private static IEnumerable<string> Keys(YamlMappingNode node) => node.Children.Keys.Select(k => ((YamlScalarNode)k).Value!);

    private static int[] ExitCodes(YamlMappingNode rule) =>
        rule.Children.ContainsKey("onExitCodes")
            ? [.. Seq(Map(rule, "onExitCodes"), "values").Children.Select(v => int.Parse(((YamlScalarNode)v).Value!, System.Globalization.CultureInfo.InvariantCulture))]
            : [];
}
