using SkiaSharp;
using Ujar.Api.Photos;

namespace Ujar.Api.Demo;

/// <summary>
/// The "after" photos of the demo crews: small drawn scenes (a road, a verge, a drain under the sky), made once per
/// seeding and processed by <see cref="PhotoImage"/> like an upload. Each resolution stores its own copy under a new
/// id through the <see cref="PhotoStore"/>, as a crew's upload would be.
/// </summary>
public static class DemoEvidence
{
    private const int Width = 480;
    private const int Height = 360;

    private static readonly (SKColor Sky, SKColor Ground, SKColor Detail)[] Scenes =
    [
        (new(0x9c, 0xc8, 0xe8), new(0x55, 0x58, 0x5c), new(0xf2, 0xf2, 0xf2)),   // patched road, lane marks
        (new(0xb8, 0xd4, 0xe6), new(0x4f, 0x7a, 0x3a), new(0x8a, 0x6a, 0x48)),   // cleared verge, tree trunk
        (new(0xa8, 0xc0, 0xd0), new(0x7a, 0x7a, 0x70), new(0x40, 0x60, 0x80)),   // cleaned drain
        (new(0xc4, 0xd8, 0xe8), new(0x6e, 0x6a, 0x62), new(0xe8, 0xc8, 0x40)),   // new street light
    ];

    /// <summary>One processed photo per scene; <see cref="CopyOf"/> gives each use its own id.</summary>
    public static IReadOnlyList<ProcessedPhoto> Make(Random random) => Scenes.Select(scene =>
    {
        using var surface = SKSurface.Create(new SKImageInfo(Width, Height));
        var canvas = surface.Canvas;
        canvas.Clear(scene.Sky);
        using var ground = new SKPaint { Color = scene.Ground };
        canvas.DrawRect(0, Height * 0.45f, Width, Height * 0.55f, ground);
        using var detail = new SKPaint { Color = scene.Detail };
        for (var i = 0; i < 5; i++)
            canvas.DrawRect(random.Next(Width - 60), Height * 0.5f + random.Next((int)(Height * 0.4)), 30 + random.Next(60), 6 + random.Next(20), detail);
        using var image = surface.Snapshot();
        using var encoded = image.Encode(SKEncodedImageFormat.Jpeg, 80);
        return PhotoImage.TryProcess(encoded.ToArray(), out var photo, out var refusal)
            ? photo
            : throw new InvalidOperationException($"a drawn demo photo was refused: {refusal}");
    }).ToList();

    public static ProcessedPhoto CopyOf(ProcessedPhoto photo) => photo with { Id = Guid.NewGuid() };
}
