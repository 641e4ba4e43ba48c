using System.Diagnostics.CodeAnalysis;
using SkiaSharp;

namespace Ujar.Api.Photos;

/// <summary>A photo as we store it: our own JPEG and thumbnail, made from the citizen's pixels and nothing else.</summary>
public sealed record ProcessedPhoto(Guid Id, byte[] Jpeg, byte[] Thumb, int Width, int Height);

/// <summary>Why an upload is not a photo we take.</summary>
public enum PhotoRefusal
{
    /// <summary>The bytes are not JPEG, PNG or WebP, whatever the file name or Content-Type said.</summary>
    NotAPhoto,
    /// <summary>The bytes start like a JPEG, PNG or WebP but do not decode completely (truncated, corrupt).</summary>
    Unreadable,
    /// <summary>More pixels than any phone photo has, or more than a decode may hold at once: decoding it would only cost
    /// memory (a decompression bomb). Judged from the header, before a pixel is decoded.</summary>
    TooManyPixels,
    /// <summary>Not about the photo: its sender already has its share of decodes running (<see cref="DecodeShares"/>).</summary>
    Busy,
}

/// <summary>
/// Recognises an upload by its content (magic bytes, then a complete decode) and re-encodes it. Only decoded pixels
/// reach the output, so EXIF (GPS position, camera serial, time), XMP, comments and anything appended after the image
/// are gone by construction rather than by a list of tags to strip. EXIF orientation is applied to the pixels first,
/// since the tag that carried it is dropped with the rest. Thread-safe: every call uses its own Skia objects.
/// </summary>
public static class PhotoImage
{
    public const int MaxSide = 2048;
    public const int ThumbSide = 320;
    public const int Quality = 85;
    public const int ThumbQuality = 80;
    public const long MaxPixels = 50_000_000;
    /// <summary>The most pixels a decode may hold at once (4 bytes each: 96 MB). A JPEG or WebP is decoded at a reduced size
    /// (see <see cref="Decode"/>), so a 50-megapixel photo needs a fraction of this; a PNG cannot be, so a 7,000 × 7,000
    /// PNG of a few dozen KB would cost 196 MB and is refused instead.</summary>
    public const long MaxDecodedPixels = 24_000_000;

    private static readonly SKSamplingOptions Downscale = new(SKFilterMode.Linear, SKMipmapMode.Linear);

    public static SKEncodedImageFormat? Recognise(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return SKEncodedImageFormat.Jpeg;
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])) return SKEncodedImageFormat.Png;
        if (bytes.Length >= 12 && bytes[..4].SequenceEqual("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8)) return SKEncodedImageFormat.Webp;
        return null;
    }

    /// <summary>Judges <paramref name="upload"/> by its magic bytes and its header alone: null when it may be decoded.
    /// <see cref="SKCodec.Create(SKData)"/> reads the header only, so this costs microseconds whatever the pixels.</summary>
    public static PhotoRefusal? Inspect(byte[] upload)
    {
        if (Recognise(upload) is not { } format) return PhotoRefusal.NotAPhoto;
        using var data = SKData.CreateCopy(upload);
        using var codec = SKCodec.Create(data);
        return Judge(codec, format);
    }

    private static PhotoRefusal? Judge(SKCodec? codec, SKEncodedImageFormat format)
    {
        if (codec is null || codec.EncodedFormat != format) return PhotoRefusal.Unreadable;
        if ((long)codec.Info.Width * codec.Info.Height > MaxPixels) return PhotoRefusal.TooManyPixels;
        var decoded = DecodeSize(codec);
        if ((long)decoded.Width * decoded.Height > MaxDecodedPixels) return PhotoRefusal.TooManyPixels;
        return null;
    }

    /// <summary>Re-encodes <paramref name="upload"/>, or says why it is refused.</summary>
    public static bool TryProcess(byte[] upload, [NotNullWhen(true)] out ProcessedPhoto? photo, out PhotoRefusal refusal)
    {
        photo = null;
        refusal = PhotoRefusal.NotAPhoto;
        if (Recognise(upload) is not { } format) return false;

        using var data = SKData.CreateCopy(upload);
        using var codec = SKCodec.Create(data);
        if (Judge(codec, format) is { } judged)
        {
            refusal = judged;
            return false;
        }

        refusal = PhotoRefusal.Unreadable;
        using var decoded = Decode(codec!);
        if (decoded is null) return false;

        using var full = Render(decoded, codec.EncodedOrigin, MaxSide);
        using var thumb = Render(full, SKEncodedOrigin.TopLeft, ThumbSide);
        photo = new ProcessedPhoto(Guid.NewGuid(), EncodeJpeg(full, Quality), EncodeJpeg(thumb, ThumbQuality), full.Width, full.Height);
        return true;
    }

    /// <summary>The pixels in sRGB, decoded at the smallest size the codec offers that is still at least
    /// <see cref="MaxSide"/> (JPEG decodes at 1/8 steps, which keeps a 50-megapixel photo from costing 200 MB).
    /// Null unless the whole image decoded: a truncated file is refused, not stored half grey.</summary>
    private static SKImage? Decode(SKCodec codec)
    {
        var size = DecodeSize(codec);
        // Converting to sRGB on decode keeps colours right once the ICC profile of a wide-gamut phone photo is gone.
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul, SKColorSpace.CreateSrgb());
        var bitmap = new SKBitmap(info);
        if (codec.GetPixels(info, bitmap.GetPixels()) != SKCodecResult.Success)
        {
            bitmap.Dispose();
            return null;
        }
        bitmap.SetImmutable();
        var image = SKImage.FromBitmap(bitmap);
        bitmap.Dispose();
        return image;
    }

    /// <summary>The smallest size the codec can decode at whose longest side is still at least <see cref="MaxSide"/>
    /// (the full size for a PNG, which has no reduced decode).</summary>
    private static SKSizeI DecodeSize(SKCodec codec) =>
        Enumerable.Range(1, 8).Select(eighths => codec.GetScaledDimensions(eighths / 8f))
            .FirstOrDefault(s => Math.Max(s.Width, s.Height) >= MaxSide, codec.Info.Size);

    /// <summary>Draws <paramref name="source"/> upright (applying <paramref name="origin"/>), its longest side at most
    /// <paramref name="maxSide"/>, over white (JPEG has no transparency; a transparent PNG would otherwise turn black).</summary>
    private static SKImage Render(SKImage source, SKEncodedOrigin origin, int maxSide)
    {
        var (w, h) = (source.Width, source.Height);
        var swapsAxes = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var (uprightW, uprightH) = swapsAxes ? (h, w) : (w, h);
        var scale = Math.Min(1.0, (double)maxSide / Math.Max(uprightW, uprightH));
        var width = Math.Max(1, (int)Math.Round(uprightW * scale));
        var height = Math.Max(1, (int)Math.Round(uprightH * scale));

        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul, SKColorSpace.CreateSrgb()));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        canvas.Scale((float)width / uprightW, (float)height / uprightH);
        canvas.Concat(Upright(origin, w, h));
        canvas.DrawImage(source, 0, 0, Downscale);
        return surface.Snapshot();
    }

    /// <summary>Maps a stored pixel (x, y) of a w×h image to its upright position, per the EXIF orientation values.</summary>
    private static SKMatrix Upright(SKEncodedOrigin origin, int w, int h) => origin switch
    {
        SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),      // mirrored
        SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),  // upside down
        SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),    // mirrored vertically
        SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),        // transposed
        SKEncodedOrigin.RightTop => new SKMatrix(0, -1, h, 1, 0, 0, 0, 0, 1),      // phone held upright: turn 90° clockwise
        SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, h, -1, 0, w, 0, 0, 1),  // transverse
        SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, w, 0, 0, 1),    // turn 90° counter-clockwise
        _ => SKMatrix.Identity,
    };

    private static byte[] EncodeJpeg(SKImage image, int quality)
    {
        // Our images are raster images over opaque pixels: neither step can fail short of running out of memory.
        using var pixels = image.PeekPixels() ?? throw new InvalidOperationException("not a raster image");
        using var jpeg = pixels.Encode(new SKJpegEncoderOptions(quality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore))
            ?? throw new InvalidOperationException("JPEG encoding failed");
        return jpeg.ToArray();
    }
}
