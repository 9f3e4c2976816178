using Gherkin;
using Gherkin.CucumberMessages;
using Gherkin.CucumberMessages.Pickles;
using Messages = Io.Cucumber.Messages.Types;

namespace Conformance.Runner.Gherkin;

/// <summary>Parses feature text with the official Gherkin parser and compiles its pickles.</summary>
public static class FeatureParser
{
    /// <summary>
    /// Parses <paramref name="text"/>, naming it <paramref name="uri"/> (e.g. <c>features/x.feature</c>) in errors and
    /// messages. A malformed file does not throw: the result carries <see cref="ParsedFeature.ParseErrors"/>.
    /// </summary>
    public static ParsedFeature Parse(string uri, string text)
    {
        var source = new Messages.Source(uri, text, Messages.SourceMediaType.TEXT_X_CUCUMBER_GHERKIN_PLAIN);
        try
        {
            var ast = new Parser().Parse(new StringReader(text));
            // Ids carry the uri so that they stay unique across the run's ndjson and stable between discovery and execution.
            var ids = new PrefixedIdGenerator(uri);
            var document = new AstMessagesConverter(ids).ConvertGherkinDocumentToEventArgs(ast, uri);
            var pickles = document.Feature is null ? [] : new PickleCompiler(ids).Compile(document);
            return new ParsedFeature(uri, source, document, pickles, []);
        }
        catch (CompositeParserException composite)
        {
            return new ParsedFeature(uri, source, null, [], composite.Errors.Select(e => ToError(uri, e)).ToList());
        }
        catch (ParserException single)
        {
            return new ParsedFeature(uri, source, null, [], [ToError(uri, single)]);
        }
    }

    /// <summary>Reads and parses a file; the uri is the path as given (use a repo-relative path).</summary>
    public static ParsedFeature ParseFile(string path, string? uri = null) =>
        Parse((uri ?? path).Replace('\\', '/'), File.ReadAllText(path));

    private static FeatureParseError ToError(string uri, ParserException e)
    {
        var line = e.Location?.Line ?? 0;
        var column = e.Location?.Column ?? 0;
        // The parser's message already starts with "(line:column): "; keep only the explanation after it.
        var message = e.Message;
        var close = message.IndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith('(') && close > 0) message = message[(close + 3)..];
        return new FeatureParseError(uri, line, column, message);
    }

    private sealed class PrefixedIdGenerator(string prefix) : IIdGenerator
    {
        private int _next;
        public string GetNewId() => $"{prefix}#{_next++}";
        public void Reset() => _next = 0;
    }
}

/// <summary>One parse error with the parser's own line and column.</summary>
public sealed record FeatureParseError(string Uri, int Line, int Column, string Message)
{
    public override string ToString() => $"{Uri}:{Line}:{Column}: {Message}";
}
