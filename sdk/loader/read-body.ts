/**
 * Reading an HTTP response's body with a ceiling: the bytes are collected as they arrive and reading stops (the
 * stream is cancelled) as soon as more than `limit` have come, so a hostile or wrong server cannot make the SDK
 * allocate more than the manifest declares. `onChunk` reports the running total.
 */
export async function readBody(response: Response, limit: number, onChunk?: (loaded: number) => void): Promise<{ bytes: Uint8Array; tooLarge: boolean }> {
  const length = Number(response.headers.get('content-length') ?? NaN);
  // Content-Length counts encoded bytes when there is a Content-Encoding: only trust it for identity bodies.
  if (!response.headers.get('content-encoding') && Number.isFinite(length) && length > limit) {
    await response.body?.cancel().catch(() => undefined);
    return { bytes: new Uint8Array(0), tooLarge: true };
  }
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    onChunk?.(bytes.length);
    return bytes.length > limit ? { bytes: new Uint8Array(0), tooLarge: true } : { bytes, tooLarge: false };
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    loaded += value.length;
    if (loaded > limit) {
      await reader.cancel().catch(() => undefined);
      return { bytes: new Uint8Array(0), tooLarge: true };
    }
    chunks.push(value);
    onChunk?.(loaded);
  }
  if (chunks.length === 1) return { bytes: chunks[0]!, tooLarge: false };
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return { bytes, tooLarge: false };
}

