using Conformance.Fixtures.Postgres;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Fixtures.Postgres;

public sealed class PostgresDriverTests(PostgresFixture postgres)
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string NewRole() => "v-test-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Reads_VALID_UNTIL_and_sees_it_change_as_a_renewal_would()
    {
        var driver = new PostgresDriver((await postgres.RequireAsync()).Dsn);
        var role = NewRole();
        var until = DateTimeOffset.UtcNow.AddMinutes(5);
        await driver.ExecuteAsync($"CREATE ROLE \"{role}\" WITH LOGIN PASSWORD 'pw-{role}' VALID UNTIL '{until:yyyy-MM-dd HH:mm:ss}+00'", Ct);

        (await driver.ValidUntilAsync(role, Ct)).Should().BeCloseTo(until, TimeSpan.FromSeconds(1));
        var renewed = until.AddMinutes(10);
        await driver.ExecuteAsync($"ALTER ROLE \"{role}\" VALID UNTIL '{renewed:yyyy-MM-dd HH:mm:ss}+00'", Ct);
        (await driver.ValidUntilAsync(role, Ct)).Should().BeCloseTo(renewed, TimeSpan.FromSeconds(1));

        await driver.ExecuteAsync($"ALTER ROLE \"{role}\" VALID UNTIL 'infinity'", Ct);
        (await driver.ValidUntilAsync(role, Ct)).Should().Be(DateTimeOffset.MaxValue);
        (await driver.ListRolesAsync("v-test-", Ct)).Should().Contain(role);
    }

    [Fact]
    public async Task Role_existence_follows_create_and_drop()
    {
        var driver = new PostgresDriver((await postgres.RequireAsync()).Dsn);
        var role = NewRole();
        (await driver.RoleExistsAsync(role, Ct)).Should().BeFalse();
        (await driver.GetRoleAsync(role, Ct)).Should().BeNull();
        await driver.ExecuteAsync($"CREATE ROLE \"{role}\" WITH LOGIN PASSWORD 'x-{role}'", Ct);
        (await driver.GetRoleAsync(role, Ct)).Should().Be(new PostgresRole(role, true, null));
        await driver.ExecuteAsync($"DROP ROLE \"{role}\"", Ct);
        (await driver.RoleExistsAsync(role, Ct)).Should().BeFalse();
        await FluentActions.Awaiting(() => driver.ValidUntilAsync(role, Ct)).Should().ThrowAsync<InvalidOperationException>().WithMessage($"*{role}*");
    }

    [Fact]
    public async Task Login_succeeds_with_the_password_and_fails_when_wrong_expired_or_dropped()
    {
        var driver = new PostgresDriver((await postgres.RequireAsync()).Dsn);
        var role = NewRole();
        var password = "pw-" + Guid.NewGuid().ToString("N");
        await driver.ExecuteAsync($"CREATE ROLE \"{role}\" WITH LOGIN PASSWORD '{password}' VALID UNTIL 'infinity'", Ct);

        (await driver.CanLoginAsync(role, password, Ct)).Succeeded.Should().BeTrue();
        var wrong = await driver.CanLoginAsync(role, password + "x", Ct);
        wrong.Should().BeEquivalentTo(new { Succeeded = false, SqlState = "28P01" });
        wrong.ToString().Should().NotContain(role, "server texts naming the user are not kept");

        await driver.ExecuteAsync($"ALTER ROLE \"{role}\" VALID UNTIL '2000-01-01'", Ct);
        (await driver.CanLoginAsync(role, password, Ct)).SqlState.Should().Be("28P01", "an expired VALID UNTIL refuses the password");

        await driver.ExecuteAsync($"DROP ROLE \"{role}\"", Ct);
        (await driver.CanLoginAsync(role, password, Ct)).Succeeded.Should().BeFalse();
    }

    [Fact]
    public async Task Select_is_allowed_only_where_granted()
    {
        var driver = new PostgresDriver((await postgres.RequireAsync()).Dsn);
        var role = NewRole();
        var table = "t_" + Guid.NewGuid().ToString("N")[..8];
        await driver.ExecuteAsync($"CREATE TABLE public.{table}(id int); INSERT INTO public.{table} VALUES (1); CREATE TABLE public.{table}_secret(id int);", Ct);
        await driver.ExecuteAsync($"CREATE ROLE \"{role}\" WITH LOGIN PASSWORD 'pw'; GRANT SELECT ON public.{table} TO \"{role}\";", Ct);

        (await driver.CanSelectAsync(role, "pw", $"public.{table}", Ct)).Succeeded.Should().BeTrue();
        (await driver.CanSelectAsync(role, "pw", $"public.{table}_secret", Ct)).SqlState.Should().Be("42501");
    }
}
