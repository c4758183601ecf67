/**
 * The per-file headers browser ML needs from the static server: a registered Content-Type for every file the SDK
 * fetches (application/wasm for streaming compilation, text/javascript for .mjs, application/octet-stream for .onnx
 * and .fidstats, which have no registered type), and caching (onnxruntime's versioned folder for a year, model files
 * for a day, everything else revalidated).
 */
import { extname } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.fidstats': 'application/octet-stream',
  '.bin': 'application/octet-stream',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** Content-Type for a file name; application/octet-stream when the extension is not one we serve on purpose. */
export function contentType(file: string): string {
  return TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** A folder named by a version (the SDK's `ort-1.30.0/`): its files never change under that name. */
const VERSIONED = /(^|[\\/])ort-\d+\.\d+\.\d+[^\\/]*[\\/]/;

/**
 * Cache-Control for a file path: onnxruntime's files under their versioned folder for a year (immutable: an upgrade
 * is a new folder); model weights, large and rarely changed, for a day; the rest is revalidated (ETag → 304).
 */
export function cacheControl(file: string): string {
  if (VERSIONED.test(file)) return 'public, max-age=31536000, immutable';
  return extname(file).toLowerCase() === '.onnx' ? 'public, max-age=86400' : 'no-cache';
}
