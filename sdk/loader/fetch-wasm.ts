/**
 * Fetching a WebAssembly file the SDK needs at run time (onnxruntime-web's, webgen's statistics module) so that a
 * wrong URL reads as one: a 404, or the HTML page a single-page app's fallback route answers with, is reported with the
 * URL, the HTTP status and the Content-Type, instead of surfacing later as a compile error ("needs SIMD", "magic word").
 */
import { discardBody } from './discard-body.js';

/** Where the files come from and what to do about it, appended to each message. */
export const ASSETS_HINT = "serve the package's dist/ folder (worker.js, ort-<version>/, webgen-stats.wasm) where the bundle expects it, or pass its URL as the assetsUrl option";

/** The first four bytes of every WebAssembly binary: "\0asm". */
const MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** A failed fetch of `url`, explained (message only: each caller wraps it in its own typed error). */
export class WasmFetchFailure extends Error {
  override name = 'WasmFetchFailure';
  constructor(
    readonly url: string,
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** The bytes of the WebAssembly file at `url`; throws WasmFetchFailure naming the URL and status otherwise. */
export async function fetchWasm(url: string): Promise<ArrayBuffer> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    throw new WasmFetchFailure(url, undefined, `cannot fetch ${url}: ${(err as Error).message}`);
  }
  const type = res.headers.get('content-type') || 'none';
  if (!res.ok) {
    discardBody(res);
    throw new WasmFetchFailure(url, res.status, `${url} answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''} (Content-Type ${type})`);
  }
  const bytes = await res.arrayBuffer();
  const head = new Uint8Array(bytes, 0, Math.min(4, bytes.byteLength));
  if (head.length < 4 || MAGIC.some((b, i) => head[i] !== b)) {
    const start = new TextDecoder().decode(new Uint8Array(bytes, 0, Math.min(24, bytes.byteLength))).replace(/\s+/g, ' ');
    throw new WasmFetchFailure(url, res.status, `${url} is not a WebAssembly file: HTTP ${res.status}, Content-Type ${type}, ${bytes.byteLength} bytes starting "${start}"`);
  }
  return bytes;
}

/** Why the module at `url` could not be imported: its HTTP status and Content-Type when it can be fetched. */
export async function describeImportFailure(url: string, err: unknown): Promise<string> {
  const why = (err as Error)?.message ?? String(err);
  try {
    const res = await fetch(url);
    const type = res.headers.get('content-type') || 'none';
    discardBody(res);
    if (!res.ok) return `${url} answered HTTP ${res.status} (Content-Type ${type})`;
    if (!/javascript|ecmascript/i.test(type)) return `${url} answered HTTP ${res.status} with Content-Type ${type}, not JavaScript (${why})`;
  } catch {
    /* the import's own message says it */
  }
  return `cannot import ${url}: ${why}`;
}
