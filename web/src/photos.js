// Photos are made small in the browser before they are sent. The server keeps at most MAX_SIDE px on the longest side
// as a JPEG of quality 85 (src/Ujar.Api/Photos/PhotoImage.cs), so a 5 MB camera photo that took a minute on a slow
// line arrives as the same picture the server would have kept, a tenth of the size. Drawing on a canvas also drops
// the EXIF block (the camera's GPS position among it) after its orientation is applied to the pixels.

export const MAX_SIDE = 2048; // PhotoImage.MaxSide
const QUALITY = 0.85; // PhotoImage.Quality
// Below this a photo goes as it is: shrinking would save little and cost a decode on a slow phone.
const SMALL_ENOUGH_BYTES = 512 * 1024;

/** The file to send for `file`: a JPEG of at most MAX_SIDE px, or the file itself when that would not be smaller or
 *  the browser cannot decode it (then the server says what is wrong with it). */
export async function shrinkPhoto(file) {
  if (file.size <= SMALL_ENOUGH_BYTES) return file;
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    return file;
  }
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', QUALITY));
  if (!blob || blob.size >= file.size) return file;
  return new File([blob], `${file.name.replace(/\.[^.]*$/, '')}.jpg`, { type: 'image/jpeg', lastModified: file.lastModified });
}

/** "5,3 MB" / "420 KB" in the page's language. */
export function formatBytes(bytes, locale) {
  const format = (value, digits) => value.toLocaleString(locale, { maximumFractionDigits: digits });
  return bytes >= 1024 * 1024 ? `${format(bytes / 1024 / 1024, 1)} MB` : `${format(Math.max(1, Math.round(bytes / 1024)), 0)} KB`;
}
