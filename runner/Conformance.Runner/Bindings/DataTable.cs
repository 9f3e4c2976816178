using System.Globalization;
using System.Reflection;

namespace Conformance.Runner;

/// <summary>A step's data table. The first row is the header (Reqnroll's DataTable/Table).</summary>
public sealed class DataTable
{
    public DataTable(IReadOnlyList<IReadOnlyList<string>> rows)
    {
        if (rows.Count == 0) throw new ArgumentException("a data table has at least one row", nameof(rows));
        AllRows = rows;
        Header = rows[0];
        Rows = rows.Skip(1).Select(r => new DataTableRow(Header, r)).ToList();
    }

    /// <summary>Every row including the header, as written.</summary>
    public IReadOnlyList<IReadOnlyList<string>> AllRows { get; }
    public IReadOnlyList<string> Header { get; }
    /// <summary>The rows below the header.</summary>
    public IReadOnlyList<DataTableRow> Rows { get; }
    public int RowCount => Rows.Count;

    /// <summary>One <typeparamref name="T"/> per row, header cells matched to properties ignoring case and spaces.</summary>
    public IReadOnlyList<T> CreateSet<T>() where T : new() => Rows.Select(r => r.CreateInstance<T>()).ToList();

    /// <summary>A vertical table (<c>| Field | Value |</c>) or a single horizontal row as one object.</summary>
    public T CreateInstance<T>() where T : new()
    {
        // Reqnroll: a two-column table is vertical (its first row, e.g. | Field | Value |, is a header).
        if (Header.Count == 2) return DataTableRow.Fill<T>(Rows.ToDictionary(r => r[0], r => r[1]));
        if (Rows.Count != 1) throw new InvalidOperationException($"CreateInstance<{typeof(T).Name}> needs a two-column table or exactly one row; this table has {Rows.Count} rows.");
        return Rows[0].CreateInstance<T>();
    }

    /// <summary>The two columns as a dictionary (first column key).</summary>
    public IReadOnlyDictionary<string, string> ToDictionary() =>
        AllRows.Where(r => r.Count >= 2).ToDictionary(r => r[0], r => r[1]);

    public override string ToString() => string.Join(Environment.NewLine, AllRows.Select(r => "| " + string.Join(" | ", r) + " |"));
}

/// <summary>A data row, readable by header name.</summary>
public sealed class DataTableRow(IReadOnlyList<string> header, IReadOnlyList<string> cells)
{
    public IReadOnlyList<string> Cells { get; } = cells;

    public string this[int index] => Cells[index];

    public string this[string column]
    {
        get
        {
            for (var i = 0; i < header.Count; i++)
                if (string.Equals(header[i], column, StringComparison.OrdinalIgnoreCase)) return Cells[i];
            throw new KeyNotFoundException($"The table has no column \"{column}\"; its columns are: {string.Join(", ", header)}.");
        }
    }

    public T CreateInstance<T>() where T : new() =>
        Fill<T>(header.Select((h, i) => (h, i)).ToDictionary(x => x.h, x => Cells[x.i]));

    internal static T Fill<T>(IReadOnlyDictionary<string, string> values) where T : new()
    {
        var result = new T();
        var properties = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToList();
        foreach (var (key, value) in values)
        {
            var normalized = key.Replace(" ", "", StringComparison.Ordinal);
            var property = properties.FirstOrDefault(p => string.Equals(p.Name, normalized, StringComparison.OrdinalIgnoreCase))
                ?? throw new InvalidOperationException($"{typeof(T).Name} has no writable property for table column \"{key}\".");
            property.SetValue(result, Bindings.ArgumentConverter.ConvertStandard(value, property.PropertyType, CultureInfo.InvariantCulture));
        }
        return result;
    }
}

/// <summary>A step's doc string with its optional media type (<c>```json</c>).</summary>
public sealed record DocString(string Content, string? MediaType)
{
    public override string ToString() => Content;
}
