namespace Ujar.Api.WhatsApp;

/// <summary>A phone number as logs may show it: enough to tell two conversations apart, not enough to call anyone.</summary>
public static class PhoneMask
{
    /// <summary><c>6281234567890</c> → <c>62812****7890</c>: the country and operator prefix and the last four digits.</summary>
    public static string Mask(string number)
    {
        if (number.Length >= 11) return number[..5] + new string('*', number.Length - 9) + number[^4..];
        // Too short to show both ends and still hide something.
        return new string('*', Math.Max(0, number.Length - 2)) + number[Math.Max(0, number.Length - 2)..];
    }
}
