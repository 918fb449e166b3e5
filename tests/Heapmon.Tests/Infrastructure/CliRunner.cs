using Heapmon.Cli;

namespace Heapmon.Tests;

/// <summary>Runs the `heapmon` command line in-process, with stdout and stderr captured.</summary>
internal static class CliRunner
{
    public static (int Exit, string Out, string Err) RunCli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = HeapmonCli.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
