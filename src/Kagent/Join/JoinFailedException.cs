namespace Kagent.Join;

/// <summary>A join or token step that cannot go on; its message says what to fix, in one line.</summary>
public sealed class JoinFailedException(string message, Exception? inner = null) : Exception(message, inner);
