using Kagent.Cli;

// Kagent keeps its metrics in a registry of its own; the library's default registry would otherwise start
// event-counter listeners that cost CPU in a process meant to idle near zero.
Prometheus.Metrics.SuppressDefaultMetrics();

return await KagentCli.InvokeAsync(args);
