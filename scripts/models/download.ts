/**
 * Downloads one file into `<dest>.part`, resuming from what is already there (HTTP Range), and
 * renames it to `dest` only once its size and sha256 are right. A dropped connection is retried
 * from where it stopped, and a later run resumes the same `.part`; a checksum mismatch deletes
 * the download, so a bad file is never reused.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface DownloadOptions {
  /** Expected sha256 (hex); undefined = compute and report it without checking. */
  sha256?: string;
  /** Expected size in bytes, when known. */
  size?: number;
  /** Attempts in all, each resuming the one before. Default 3. */
  attempts?: number;
  onProgress?: (received: number, total: number | undefined) => void;
  /** Told each time a download picks up bytes an earlier attempt or run left behind. */
  onResume?: (fromByte: number) => void;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  sha256: string;
}

/** The file arrived but is not the one the catalog describes. */
export class ChecksumError extends Error {}

export async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** One request, appending to `part` from byte `from` (or starting over if the server ignores Range). */
async function fetchInto(url: string, part: string, from: number, options: DownloadOptions): Promise<void> {
  const response = await fetch(url, { headers: from > 0 ? { Range: `bytes=${from}-` } : {} });
  if (response.status === 416 && from > 0) return; // nothing left to send: the part is complete
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
  const resumed = from > 0 && response.status === 206;
  let received = resumed ? from : 0;
  const length = Number(response.headers.get('content-length') ?? NaN);
  const total = Number.isFinite(length) ? received + length : options.size;
  const file = await open(part, resumed ? 'a' : 'w');
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      await file.write(chunk);
      received += chunk.length;
      options.onProgress?.(received, total);
    }
  } finally {
    await file.close();
  }
  if (total !== undefined && received < total) throw new Error(`connection closed at ${received} of ${total} bytes`);
}

export async function download(url: string, dest: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const part = `${dest}.part`;
  mkdirSync(dirname(dest), { recursive: true });
  const attempts = Math.max(1, options.attempts ?? 3);
  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const from = existsSync(part) ? statSync(part).size : 0;
    if (from > 0) options.onResume?.(from);
    try {
      await fetchInto(url, part, from, options);
      lastError = undefined;
      break;
    } catch (err) {
      lastError = err as Error;
    }
  }
  if (lastError) {
    const kept = statSync(part, { throwIfNoEntry: false })?.size ?? 0;
    throw new Error(`download of ${url} interrupted (${lastError.message}); ${kept} bytes kept in ${part}: run the same command again to resume`);
  }
  const bytes = statSync(part).size;
  const sha256 = await sha256Of(part);
  if (options.size !== undefined && bytes !== options.size) {
    rmSync(part, { force: true });
    throw new ChecksumError(`${url}: ${bytes} bytes arrived, the catalog says ${options.size}; the download was deleted`);
  }
  if (options.sha256 !== undefined && sha256 !== options.sha256) {
    rmSync(part, { force: true });
    throw new ChecksumError(`${url}: sha256 ${sha256} does not match the catalog's ${options.sha256}; the download was deleted`);
  }
  renameSync(part, dest);
  return { path: dest, bytes, sha256 };
}
