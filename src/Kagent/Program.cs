using Kagent.Cli;

return await KagentCli.InvokeAsync(args);
