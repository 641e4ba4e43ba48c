using System.Text;
using System.Text.Json;
using Ujar.Api.Complaints;

namespace Ujar.Api.Setup;

/// <summary>
/// Parses the JSON request bodies that handlers read themselves (a complaint, an answer, a status change, a WhatsApp
/// webhook). <see cref="JsonDocument"/> accepts bytes that are not UTF-8 and lone surrogates (<c>"\ud800"</c>) inside
/// strings, and only <c>GetString()</c> then throws, an <see cref="InvalidOperationException"/> rather than a
/// <see cref="JsonException"/>; so every string and name is decoded once here, and such a body is a 400
/// <c>malformed_json</c> like any other broken JSON. A NUL character in any string is a 422 naming where it is
/// (PostgreSQL refuses it in text, and no field of ours needs it) unless the caller strips NULs itself.
/// </summary>
public static class JsonBody
{
    public const int DefaultMaxDepth = 64;

    /// <summary>The answer to a body that is refused, and the reason in English for a log line.</summary>
    public sealed record Refusal(IResult Problem, string Reason);

    /// <summary>The parsed document (the caller disposes it), or null with <paramref name="refusal"/> set.</summary>
    public static JsonDocument? Parse(byte[] body, out Refusal? refusal, int maxDepth = DefaultMaxDepth, bool allowNul = false)
    {
        refusal = Check(body, maxDepth, allowNul);
        return refusal is null ? JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = maxDepth }) : null;
    }

    /// <summary>One open object or array: the member being read, or the index of the item being read.</summary>
    private sealed class Level(bool isArray)
    {
        public bool IsArray { get; } = isArray;
        public string? Member { get; set; }
        public int Index { get; set; } = -1;
    }

    private static Refusal? Check(byte[] body, int maxDepth, bool allowNul)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = maxDepth });
        var path = new List<Level>();
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    path.RemoveAt(path.Count - 1);
                    continue;
                }
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    path[^1].Member = reader.GetString();
                    if (ComplaintRules.HasNul(path[^1].Member) && !allowNul) return NulAt(path);
                    continue;
                }
                if (path.Count > 0 && path[^1].IsArray) path[^1].Index++;
                // Decoded whether or not NULs matter: this is what finds bytes that are not UTF-8.
                if (reader.TokenType == JsonTokenType.String && ComplaintRules.HasNul(reader.GetString()) && !allowNul) return NulAt(path);
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    path.Add(new Level(reader.TokenType == JsonTokenType.StartArray));
            }
            return null;
        }
        catch (JsonException ex)
        {
            var where = $"line {ex.LineNumber + 1}, byte {ex.BytePositionInLine}";
            return new Refusal(Problems.MalformedJson(where), where);
        }
        catch (InvalidOperationException)
        {
            // GetString() on bytes that are not UTF-8, or on an escaped surrogate without its pair.
            var where = $"byte {reader.TokenStartIndex}, UTF-8";
            return new Refusal(Problems.MalformedJson(where), $"the string at byte {reader.TokenStartIndex} is not valid UTF-8");
        }
    }

    private static Refusal NulAt(List<Level> path)
    {
        var field = new StringBuilder();
        foreach (var level in path)
        {
            if (level.IsArray) field.Append('[').Append(level.Index).Append(']');
            else if (level.Member is not null) field.Append(field.Length > 0 ? "." : "").Append(level.Member.Replace('\0', '?'));
        }
        var name = field.Length > 0 ? field.ToString() : "(body)";
        return new Refusal(Problems.Validation(new Dictionary<string, Bilingual> { [name] = ComplaintRules.NulRefused }), $"NUL character in {name}");
    }
}
