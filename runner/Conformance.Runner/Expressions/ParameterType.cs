using System.Reflection;

namespace Conformance.Runner.Expressions;

/// <summary>
/// A Cucumber parameter type: <c>{name}</c> matches <see cref="Regex"/> (no capturing groups of its own needed), and the
/// captured text becomes an argument through <see cref="Transformation"/> when one is given, else by standard conversion.
/// </summary>
public sealed record ParameterType(string Name, string Regex, Type? Type, MethodInfo? Transformation = null, bool Quoted = false)
{
    /// <summary>Cucumber built-ins plus Reqnroll's .NET extras (reference: peers.md §3.2).</summary>
    public static IEnumerable<ParameterType> BuiltIns()
    {
        const string integer = @"[-+]?\d+";
        const string real = @"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?";
        yield return new("int", integer, typeof(int));
        yield return new("long", integer, typeof(long));
        yield return new("byte", integer, typeof(byte));
        yield return new("biginteger", integer, typeof(System.Numerics.BigInteger));
        yield return new("float", real, typeof(float));
        yield return new("double", real, typeof(double));
        yield return new("decimal", real, typeof(decimal));
        yield return new("bigdecimal", real, typeof(decimal));
        yield return new("word", @"[^\s]+", typeof(string));
        yield return new("string", @"""(?:[^""\\]|\\.)*""|'(?:[^'\\]|\\.)*'", typeof(string), Quoted: true);
        yield return new("", ".*", null);
        yield return new("DateTime", ".+?", typeof(DateTime));
        yield return new("Guid", "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", typeof(Guid));
    }

    /// <summary>Removes the quotes of a <c>{string}</c> and its backslash escapes of the quote character.</summary>
    public static string Unquote(string text)
    {
        if (text.Length < 2) return text;
        var quote = text[0];
        var inner = text[1..^1];
        return inner.Replace("\\" + quote, quote.ToString()).Replace(@"\\", @"\");
    }
}
