using Xunit;
using Conformance.Runner;
using FluentAssertions;

namespace Conformance.Tests.Runner;

/// <summary>DataTable helpers (Reqnroll.Assist-like) and where the run's artifacts land.</summary>
public sealed class DataTableAndLocationTests
{
    private static DataTable Table(params string[][] rows) => new(rows);

    public sealed class Account
    {
        public string Name { get; set; } = "";
        public int Balance { get; set; }
        public bool IsOpen { get; set; }
    }

    [Fact]
    public void CreateSet_maps_header_cells_to_properties_ignoring_case_and_spaces()
    {
        var set = Table(["name", "Balance", "is open"], ["alpha", "10", "true"], ["beta", "-3", "no"]).CreateSet<Account>();

        set.Should().BeEquivalentTo([
            new Account { Name = "alpha", Balance = 10, IsOpen = true },
            new Account { Name = "beta", Balance = -3, IsOpen = false },
        ]);
    }

    [Fact]
    public void CreateInstance_reads_a_vertical_table()
    {
        var account = Table(["Field", "Value"], ["Name", "gamma"], ["Balance", "7"]).CreateInstance<Account>();

        account.Name.Should().Be("gamma");
        account.Balance.Should().Be(7);
    }

    [Fact]
    public void A_bad_cell_or_column_says_which()
    {
        var table = Table(["name", "balance"], ["alpha", "lots"]);
        FluentActions.Invoking(() => table.CreateSet<Account>()).Should().Throw<FormatException>();
        FluentActions.Invoking(() => table.Rows[0]["missing"]).Should().Throw<KeyNotFoundException>()
            .WithMessage("The table has no column \"missing\"; its columns are: name, balance.");
        FluentActions.Invoking(() => Table(["nope"], ["x"]).CreateSet<Account>()).Should().Throw<InvalidOperationException>()
            .WithMessage("Account has no writable property for table column \"nope\".");
    }

    [Fact]
    public void Artifacts_default_to_artifacts_run_id_under_the_repository_root()
    {
        var root = Directory.CreateTempSubdirectory("conformance-root-");
        try
        {
            File.WriteAllText(Path.Combine(root.FullName, "Conformance.sln"), "");
            var deep = Directory.CreateDirectory(Path.Combine(root.FullName, "steps", "bin", "Debug")).FullName;
            var elsewhere = Directory.CreateTempSubdirectory("conformance-cwd-").FullName;

            ArtifactsLocation.Resolve("run-1", [elsewhere, deep]).Should().Be(Path.Combine(root.FullName, "artifacts", "run-1"),
                "the first start directory has no repository above it, the second does");
            Directory.Delete(elsewhere);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
