/**
 * Opening and running the sessions of a one-engine model kind (autoencoder, clip): every role's session created from
 * its verified bytes and checked against the manifest, all released if one fails; a run with its tensors disposed.
 */
import type { Manifest, ManifestFile } from '../manifest/types.js';
import { checkSessionMatchesManifest } from './model-check.js';
import type { OrtRuntime, OrtSessionLike, OrtTensorLike } from './runtime.js';

/**
 * One session per role of `specs` (the manifest's file entries by role; `files`: their bytes), each checked against
 * its entry (checkSessionMatchesManifest). On any failure the sessions already open are released before it throws.
 */
export async function openSessions<R extends string>(manifest: Manifest, files: Record<string, Uint8Array>, runtime: OrtRuntime, specs: Record<R, ManifestFile>): Promise<Record<R, OrtSessionLike>> {
  const opened: Partial<Record<R, OrtSessionLike>> = {};
  try {
    for (const role of Object.keys(specs) as R[]) {
      const session = await runtime.createSession(files[role]!, role);
      opened[role] = session;
      checkSessionMatchesManifest(session, specs[role], role, manifest.name);
    }
  } catch (err) {
    await Promise.all(Object.values<OrtSessionLike | undefined>(opened).map((s) => s?.release().catch(() => undefined)));
    throw err;
  }
  return opened as Record<R, OrtSessionLike>;
}

/** One run of `session`; returns a copy of the float32 output `output` and the time the run took. Every tensor (feeds and outputs) is disposed. */
export async function runSession(session: OrtSessionLike, feeds: Record<string, OrtTensorLike>, output: string): Promise<{ data: Float32Array; modelMs: number }> {
  let outputs: Record<string, OrtTensorLike> | undefined;
  try {
    const t0 = performance.now();
    outputs = await session.run(feeds);
    return { data: Float32Array.from(outputs[output]!.data as Float32Array), modelMs: performance.now() - t0 };
  } finally {
    for (const t of [...Object.values(feeds), ...Object.values(outputs ?? {})]) t.dispose?.();
  }
}

/** One run of `session` fetching only `outputs`; returns a copy of each (float32). Every tensor is disposed. */
export async function runSessionOutputs<N extends string>(session: OrtSessionLike, feeds: Record<string, OrtTensorLike>, outputs: readonly N[]): Promise<Record<N, Float32Array>> {
  let fetched: Record<string, OrtTensorLike> | undefined;
  try {
    fetched = await session.run(feeds, outputs);
    return Object.fromEntries(outputs.map((n) => [n, Float32Array.from(fetched![n]!.data as Float32Array)])) as Record<N, Float32Array>;
  } finally {
    for (const t of [...Object.values(feeds), ...Object.values(fetched ?? {})]) t.dispose?.();
  }
}
