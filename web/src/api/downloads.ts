/**
 * Downloads from the plain HTTP routes (templates, reports, exports). They need the bearer credential,
 * which a link cannot carry, so the file is fetched and handed to the browser as a blob under the
 * server's own file name (RFC 5987 `filename*`).
 */
import { authFetch } from './client';

export function fileNameOf(res: Response, fallback: string): string {
  const cd = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  if (star) return decodeURIComponent(star[1]);
  const plain = /filename="?([^";]+)"?/i.exec(cd);
  return plain ? plain[1] : fallback;
}

export async function download(url: string, fallback: string): Promise<string> {
  const res = await authFetch(url);
  const name = fileNameOf(res, fallback);
  saveBlob(await res.blob(), name);
  return name;
}

export function saveBlob(blob: Blob, name: string): void {
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
