using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Dvar.Stopping.Benchmarks;

// dotnet run -c Release --project benchmarks/Dvar.Stopping.Benchmarks -- --filter '*' --job short
IConfig config = DefaultConfig.Instance.AddColumn(new PerValueColumn(false), new PerValueColumn(true));
BenchmarkSwitcher.FromAssembly(typeof(CriterionBenchmarks).Assembly).Run(args, config);
