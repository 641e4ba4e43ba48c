namespace Ujar.Api.Open311;

// The documents of GeoReport v2 and mySociety's service request updates. Property names become the spec's snake_case
// names (Open311Writer.Json); a null property is left out of both formats. Times are strings already formatted in WIB
// (Open311Time), so JSON and XML show exactly the same text.

/// <summary><c>discovery</c>: where this endpoint is and what it speaks.</summary>
public sealed record Discovery(string Changeset, string Contact, string KeyService, IReadOnlyList<DiscoveryEndpoint> Endpoints);

public sealed record DiscoveryEndpoint(string Specification, string Url, string Changeset, string Type, IReadOnlyList<string> Formats);

/// <summary>One service of <c>services</c>: a category citizens may file in now.</summary>
public sealed record Service(string ServiceCode, string ServiceName, string Description, bool Metadata, string Type,
    IReadOnlyList<string> Keywords, string Group);

/// <summary><c>services/{code}</c>: the attributes a client may send with a request of this service.</summary>
public sealed record ServiceDefinition(string ServiceCode, IReadOnlyList<ServiceAttribute> Attributes);

public sealed record ServiceAttribute(bool Variable, string Code, string Datatype, bool Required, string DatatypeDescription,
    int Order, string Description);

/// <summary>A complaint as <c>requests</c> and <c>requests/{id}</c> show it. No reporter contact and no <c>media_url</c> the
/// reporting system sent has a field here, so neither can leak.</summary>
public sealed record ServiceRequest(
    string ServiceRequestId,
    string Status,
    string? StatusNotes,
    string ServiceName,
    string ServiceCode,
    string Description,
    string? AgencyResponsible,
    string RequestedDatetime,
    string UpdatedDatetime,
    string? ExpectedDatetime,
    string? Address,
    double Lat,
    double Long,
    string? MediaUrl);

/// <summary>The answer to <c>POST requests</c>: the ticket at once (the complaint is committed), and the token a client may
/// poll <c>tokens/{token}</c> with instead.</summary>
public sealed record FiledRequest(string ServiceRequestId, string Token, string ServiceNotice);

/// <summary>The answer to <c>tokens/{token}</c>.</summary>
public sealed record TokenRequest(string ServiceRequestId, string Token);

/// <summary>One step of a complaint's lifecycle as mySociety's <c>servicerequestupdates</c> shows it.</summary>
public sealed record RequestUpdate(string UpdateId, string ServiceRequestId, string Status, string UpdatedDatetime, string Description,
    string? MediaUrl);
