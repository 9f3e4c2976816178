using System.ComponentModel;
using System.Globalization;

namespace Conformance.Runner.Bindings;

/// <summary>Standard conversion of step text to .NET types (invariant culture).</summary>
public static class ArgumentConverter
{
    public static object? ConvertStandard(string text, Type target, CultureInfo culture)
    {
        if (target == typeof(string) || target == typeof(object)) return text;
        var underlying = Nullable.GetUnderlyingType(target);
        if (underlying is not null)
        {
            if (text.Length == 0) return null;
            target = underlying;
        }
        if (target.IsEnum)
        {
            var normalized = text.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
            if (Enum.TryParse(target, normalized, ignoreCase: true, out var value) && Enum.IsDefined(target, value!)) return value;
            throw new FormatException($"\"{text}\" is not one of {string.Join(", ", Enum.GetNames(target))}");
        }
        if (target == typeof(Guid)) return Guid.Parse(text);
        if (target == typeof(TimeSpan)) return TimeSpan.Parse(text, culture);
        if (target == typeof(DateTime)) return DateTime.Parse(text, culture, DateTimeStyles.RoundtripKind);
        if (target == typeof(DateTimeOffset)) return DateTimeOffset.Parse(text, culture);
        if (target == typeof(Uri)) return new Uri(text, UriKind.RelativeOrAbsolute);
        if (target == typeof(bool))
        {
            if (bool.TryParse(text, out var b)) return b;
            return text.ToLowerInvariant() switch
            {
                "yes" or "on" or "1" => true,
                "no" or "off" or "0" => false,
                _ => throw new FormatException($"\"{text}\" is not a boolean (true/false, yes/no)"),
            };
        }
        if (target == typeof(System.Numerics.BigInteger)) return System.Numerics.BigInteger.Parse(text, culture);
        if (typeof(IConvertible).IsAssignableFrom(target))
            return Convert.ChangeType(text, target, culture);
        var converter = TypeDescriptor.GetConverter(target);
        if (converter.CanConvertFrom(typeof(string))) return converter.ConvertFromString(null, culture, text);
        throw new FormatException($"there is no conversion from text to {target.Name}; add a [StepArgumentTransformation] method returning {target.Name}");
    }
}

/// <summary>An argument that could not be converted: names the step, the argument and the target parameter.</summary>
public sealed class StepArgumentConversionException(string message, Exception? inner) : Exception(message, inner);
