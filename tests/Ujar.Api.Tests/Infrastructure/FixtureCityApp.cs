namespace Ujar.Api.Tests.Infrastructure;

/// <summary>A class fixture: the service over a fresh database whose active boundaries are the hand-made fixture city.</summary>
public sealed class FixtureCityApp : IAsyncLifetime
{
    public UjarApp App { get; private set; } = null!;
    public int GenerationId { get; private set; }

    public async Task InitializeAsync()
    {
        var connectionString = await TestPostGis.NewDatabaseAsync();
        GenerationId = await TestBoundaries.LoadFixtureCityAsync(connectionString);
        App = new UjarApp(connectionString);
        _ = App.Server; // start the host: the router loads the active generation before the first request
    }

    public async Task DisposeAsync()
    {
        if (App is not null) await App.DisposeAsync();
    }
}
