namespace Kagent.Agent.Works.Customizations;

/// <summary>A script that failed: it did not load, raised an error, ran out of time or memory, or returned the wrong type.</summary>
public sealed class LuaScriptException(string message) : Exception(message);
