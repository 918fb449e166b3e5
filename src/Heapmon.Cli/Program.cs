using System.CommandLine;
using Heapmon.Cli;

return HeapmonCli.Run(args, Console.Out, Console.Error);
