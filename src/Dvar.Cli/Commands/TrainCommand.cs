using System.CommandLine;
using Dvar.Cli.Training;

namespace Dvar.Cli.Commands;

/// <summary><c>dvar train textual-inversion|dreambooth-lora|custom-diffusion ...</c>: personalizes a Stable Diffusion folder
/// and stops when the deterministic loss has settled. Defines options only; TorchSharp is loaded by the action.</summary>
internal sealed class TrainCommand : Command
{
    /// <summary>Creates the command and its three subcommands.</summary>
    /// <param name="session">Progress display mode and cancellation.</param>
    public TrainCommand(CliSession session)
        : base("train", "Personalize a Stable Diffusion v1.x folder and stop when the deterministic loss has settled (DVAR by default).")
    {
        foreach (var method in Enum.GetValues<TrainMethod>())
        {
            Subcommands.Add(new TrainMethodCommand(method, session));
        }
    }
}
