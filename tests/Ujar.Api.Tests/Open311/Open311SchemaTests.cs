namespace Ujar.Api.Tests.Open311;

/// <summary>The schema checks the other tests rely on really check: relative references resolve, formats are validated,
/// and null is not taken for a missing optional field.</summary>
public sealed class Open311SchemaTests
{
    private const string Valid = """
        {"service_request_id":"UJR-2026-000001","status":"open","service_code":"sampah","requested_datetime":"2026-12-07T08:00:00+07:00",
         "lat":0.9,"long":104.4,"media_url":"https://ujar.example/media/photos/a.jpg"}
        """;

    [Fact]
    public void A_valid_request_passes_alone_and_in_a_list()
    {
        Assert.True(Open311Schemas.Evaluate(Open311Schemas.Request, Valid).IsValid);
        Assert.True(Open311Schemas.Evaluate(Open311Schemas.Requests, $"[{Valid}]").IsValid);
    }

    [Theory]
    [InlineData("\"status\":\"open\"", "\"status\":\"pending\"")]
    [InlineData("\"lat\":0.9", "\"lat\":0.9,\"status_notes\":null")]
    [InlineData("2026-12-07T08:00:00+07:00", "7 Desember 2026")]
    [InlineData("https://ujar.example/media/photos/a.jpg", "bukan alamat")]
    [InlineData("\"lat\":0.9", "\"lat\":\"0.9\"")]
    [InlineData("\"service_code\":\"sampah\",", "")]
    public void A_request_the_spec_does_not_allow_fails_alone_and_inside_a_list(string part, string replacement)
    {
        Assert.Contains(part, Valid);
        var invalid = Valid.Replace(part, replacement);
        Assert.False(Open311Schemas.Evaluate(Open311Schemas.Request, invalid).IsValid, invalid);
        Assert.False(Open311Schemas.Evaluate(Open311Schemas.Requests, $"[{Valid},{invalid}]").IsValid, invalid);
    }

    [Fact]
    public void Services_need_keywords_as_a_list_and_a_known_type()
    {
        const string service = """{"service_code":"sampah","service_name":"Sampah","type":"realtime","keywords":["sampah"]}""";
        Assert.True(Open311Schemas.Evaluate(Open311Schemas.Services, $"[{service}]").IsValid);
        Assert.False(Open311Schemas.Evaluate(Open311Schemas.Services, $"[{service.Replace("[\"sampah\"]", "\"sampah, rubbish\"")}]").IsValid);
        Assert.False(Open311Schemas.Evaluate(Open311Schemas.Services, $"[{service.Replace("realtime", "sometimes")}]").IsValid);
        Assert.False(Open311Schemas.Evaluate(Open311Schemas.ServiceDefinition,
            """{"service_code":"sampah","attributes":[{"variable":true,"code":"patokan","datatype":"landmark","required":false}]}""").IsValid);
    }
}
