namespace Kagent.LocalFleet; public static class Program { public static int Main() => 0; }
