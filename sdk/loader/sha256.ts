/**
 * SHA-256 of bytes as lowercase hex: Web Crypto where it exists (secure contexts, Node), else @noble/hashes
 * (pages served over plain http on a LAN address have no crypto.subtle).
 */
import { sha256 } from '@noble/hashes/sha2.js';

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle) return toHex(new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)));
  return sha256HexSync(bytes);
}

/** The path without Web Crypto (exported for tests). */
export function sha256HexSync(bytes: Uint8Array): string {
  return toHex(sha256(bytes));
}

function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}
