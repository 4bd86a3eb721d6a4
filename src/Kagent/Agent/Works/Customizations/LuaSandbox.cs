using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using KeraLua;

namespace Kagent.Agent.Works.Customizations;

/// <summary>
/// Runs one function of a ResourceInterpreterCustomization script, as Karmada's declarative interpreter does
/// (pkg/resourceinterpreter/customized/declarative, gopher-lua): a fresh Lua state per call, the script run, then
/// the global function it defines called with JSON objects as tables; the result converted back to JSON.
/// The sandbox offers Karmada's libraries only (base, table, string, math, os.time and os.date) and raises on the
/// functions Karmada forbids (load, loadstring, dofile, loadfile, setmetatable, getmetatable, rawget, rawset,
/// rawequal, collectgarbage, string.dump, ...): no file, OS or network access. Each call is bounded in time (a
/// count hook, written in Lua so that its error unwinds through Lua's own frames only) and in memory (the state's
/// allocator refuses past the bound, which Lua reports as a memory error).
/// Lua 5.4 runs the scripts, not Karmada's 5.1: unpack, table.getn and math.pow are provided as 5.1 had them.
/// </summary>
public static class LuaSandbox
{
    public static readonly TimeSpan DefaultTimeLimit = TimeSpan.FromSeconds(1);
    public const long DefaultMemoryLimit = 32L << 20;
    private const int MaxDepth = 64;

    private static readonly LuaAlloc Allocator = Allocate;
    private static readonly LuaFunction Clock = ClockSeconds;
    private static readonly Stopwatch Since = Stopwatch.StartNew();

    /// <summary>Karmada's forbidden functions raise when called; the unsafe libraries are gone.</summary>
    private const string Prelude = """
        local clock, sethook, error, limit, setmetatable = __kagent_clock, debug.sethook, error, __kagent_limit, setmetatable
        local deadline, shown = clock() + limit, string.format("%g", limit)
        sethook(function() if clock() > deadline then error("script exceeded its time limit of " .. shown .. "s", 0) end end, "", 1000)
        local function forbid(name) return function() error(name .. " is not allowed", 2) end end
        for _, name in ipairs({"collectgarbage", "dofile", "getfenv", "getmetatable", "load", "loadfile", "loadstring", "rawequal", "rawget", "rawlen",
                               "rawset", "setfenv", "setmetatable", "module", "newproxy"}) do _G[name] = forbid(name) end
        string.dump = forbid("string.dump")
        local time, date = os.time, os.date
        os = { time = time, date = date }
        io, debug, coroutine, utf8, package = nil, nil, nil, nil, nil
        local kube = setmetatable({}, { __index = function(_, name) return forbid("kube." .. name) end })
        require = function(name) if name == "kube" then return kube end error("module '" .. tostring(name) .. "' not found", 2) end
        unpack = table.unpack
        table.getn = function(t) return #t end
        math.pow = function(a, b) return a ^ b end
        __kagent_clock, __kagent_limit = nil, nil
        """;

    /// <summary>Runs <paramref name="script"/>, then calls its global <paramref name="function"/> with the arguments; the first result, as JSON (null for nil).</summary>
    public static JsonNode? Call(string script, string function, IReadOnlyList<JsonNode?> arguments, TimeSpan? timeLimit = null, long memoryLimit = DefaultMemoryLimit)
    {
        var budget = new MemoryBudget(memoryLimit);
        var handle = GCHandle.Alloc(budget);
        try
        {
            using var lua = new Lua(Allocator, GCHandle.ToIntPtr(handle));
            lua.OpenLibs();
            lua.Register("__kagent_clock", Clock);
            lua.PushNumber((timeLimit ?? DefaultTimeLimit).TotalSeconds);
            lua.SetGlobal("__kagent_limit");
            Run(lua, Prelude, "prelude");
            Run(lua, script, "script");

            var type = lua.GetGlobal(function);
            if (type == LuaType.Nil) throw new LuaScriptException($"not found function {function}");
            if (type != LuaType.Function) throw new LuaScriptException($"{function} is not a function: {lua.TypeName(type)}");
            foreach (var argument in arguments) Push(lua, argument, 0);
            if (lua.PCall(arguments.Count, 1, 0) != LuaStatus.OK) throw new LuaScriptException(ErrorText(lua));
            return ToJson(lua, -1, 0);
        }
        finally
        {
            handle.Free();
        }
    }

    /// <summary>The Lua type name of a call's result, for "result type ... is not ..." messages.</summary>
    public static string TypeOf(JsonNode? result) => result switch
    {
        null => "nil",
        JsonObject or JsonArray => "table",
        JsonValue v when v.TryGetValue<bool>(out _) => "boolean",
        JsonValue v when v.TryGetValue<string>(out _) => "string",
        _ => "number",
    };

    private static void Run(Lua lua, string chunk, string name)
    {
        if (lua.LoadString(chunk, name) != LuaStatus.OK || lua.PCall(0, 0, 0) != LuaStatus.OK) throw new LuaScriptException(ErrorText(lua));
    }

    private static string ErrorText(Lua lua)
    {
        var text = lua.ToString(-1) ?? "unknown error";
        lua.Pop(1);
        return text;
    }

    private static int ClockSeconds(IntPtr state)
    {
        Lua.FromIntPtr(state).PushNumber(Since.Elapsed.TotalSeconds);
        return 1;
    }

    private static void Push(Lua lua, JsonNode? node, int depth)
    {
        if (depth > MaxDepth) throw new LuaScriptException($"argument nests deeper than {MaxDepth} levels");
        switch (node)
        {
            case null:
                lua.PushNil();
                break;
            case JsonObject obj:
                lua.NewTable();
                foreach (var (key, value) in obj)
                {
                    if (value is null) continue;
                    Push(lua, value, depth + 1);
                    lua.SetField(-2, key);
                }

                break;
            case JsonArray array:
                lua.NewTable();
                for (var i = 0; i < array.Count; i++)
                {
                    Push(lua, array[i], depth + 1);
                    lua.RawSetInteger(-2, i + 1);
                }

                break;
            case JsonValue value when value.TryGetValue<bool>(out var boolean):
                lua.PushBoolean(boolean);
                break;
            case JsonValue value when value.TryGetValue<string>(out var text):
                lua.PushString(text);
                break;
            case JsonValue value when long.TryParse(value.ToJsonString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var integer):
                lua.PushInteger(integer);
                break;
            case JsonValue value:
                lua.PushNumber(double.Parse(value.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture));
                break;
        }
    }

    /// <summary>A Lua value as JSON: a table with keys 1..n is an array, an empty table an empty array (as Karmada's encoder writes it), other tables objects.</summary>
    private static JsonNode? ToJson(Lua lua, int index, int depth)
    {
        if (depth > MaxDepth) throw new LuaScriptException($"result nests deeper than {MaxDepth} levels (a table that contains itself?)");
        index = lua.AbsIndex(index);
        switch (lua.Type(index))
        {
            case LuaType.Nil:
                return null;
            case LuaType.Boolean:
                return JsonValue.Create(lua.ToBoolean(index));
            case LuaType.String:
                return JsonValue.Create(lua.ToString(index, false));
            case LuaType.Number:
                if (lua.IsInteger(index)) return JsonValue.Create(lua.ToInteger(index));
                var number = lua.ToNumber(index);
                return number == Math.Floor(number) && Math.Abs(number) < 9e15 ? JsonValue.Create((long)number) : JsonValue.Create(number);
            case LuaType.Table:
                return TableToJson(lua, index, depth);
            default:
                throw new LuaScriptException($"a {lua.TypeName(lua.Type(index))} cannot be converted to JSON");
        }
    }

    private static JsonNode TableToJson(Lua lua, int index, int depth)
    {
        var entries = new List<(object Key, JsonNode? Value)>();
        lua.PushNil();
        while (lua.Next(index))
        {
            object key = lua.Type(-2) == LuaType.Number && lua.IsInteger(-2) ? lua.ToInteger(-2) : lua.ToString(-2, false) ?? "";
            entries.Add((key, ToJson(lua, -1, depth + 1)));
            lua.Pop(1);
        }

        var isArray = entries.All(e => e.Key is long) && entries.Select(e => (long)e.Key).Order().SequenceEqual(Enumerable.Range(1, entries.Count).Select(i => (long)i));
        if (isArray) return new JsonArray(entries.OrderBy(e => (long)e.Key).Select(e => e.Value).ToArray());
        // Keys sorted, as Karmada's Go encoder writes a map: Lua's own order varies from one run to the next.
        var obj = new JsonObject();
        foreach (var (key, value) in entries.OrderBy(e => e.Key.ToString(), StringComparer.Ordinal)) obj[key.ToString()!] = value;
        return obj;
    }

    /// <summary>The allocator of every state: Lua's realloc contract, counted against the state's budget.</summary>
    private static unsafe IntPtr Allocate(IntPtr ud, IntPtr ptr, UIntPtr osize, UIntPtr nsize)
    {
        var budget = (MemoryBudget)GCHandle.FromIntPtr(ud).Target!;
        var oldSize = ptr == IntPtr.Zero ? 0 : (long)osize;
        if (nsize == UIntPtr.Zero)
        {
            if (ptr != IntPtr.Zero) NativeMemory.Free((void*)ptr);
            budget.Used -= oldSize;
            return IntPtr.Zero;
        }

        var growth = (long)nsize - oldSize;
        if (growth > 0 && budget.Used + growth > budget.Limit) return IntPtr.Zero;
        var result = (IntPtr)NativeMemory.Realloc((void*)ptr, nsize);
        if (result != IntPtr.Zero) budget.Used += growth;
        return result;
    }

    private sealed class MemoryBudget(long limit)
    {
        public long Limit { get; } = limit;

        public long Used { get; set; }
    }
}
