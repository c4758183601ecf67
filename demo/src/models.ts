/**
 * Opening models the way any app would: is the model on the server (its manifest.json), does it suit the page, then
 * createGenerator (or createClip) with progress. Loaded models are shared between pages (text to image and img2img use
 * one generator; Ask the model and the text-to-image CLIP score one CLIP) and kept for the visit; a page that opens a
 * model already loading listens to the same load.
 */
import { createClassifier, createClip, createGenerator, loadManifest, ManifestError, ModelLoadError, type Backend, type Classifier, type Clip, type Generator, type Manifest, type ModelKind, type ProgressEvent } from 'webgen';
import { wasmThreads } from './config.js';

export type Availability = { ok: true; manifest: Manifest } | { ok: false; title: string; reason: string };

/** The folder (or manifest) URL of `model` against the page: the key of a model for the visit. */
function keyOf(model: string): string {
  return new URL(model, location.href).href;
}

const checks = new Map<string, Promise<Availability>>();

/**
 * Whether the model is on this server, without loading it: a 404 is "not available yet", never a broken page. The
 * manifest is read once per visit (the SDK's loadManifest, validated) and handed to the load, which does not fetch it
 * again; a failed check is forgotten, so opening the page again retries.
 */
export function checkModel(model: string): Promise<Availability> {
  const key = keyOf(model);
  let check = checks.get(key);
  if (!check) {
    check = readManifest(model);
    checks.set(key, check);
    void check.then((a) => a.ok || checks.delete(key));
  }
  return check;
}

async function readManifest(model: string): Promise<Availability> {
  const name = model.replace(/\/+$/, '').split('/').pop() ?? model;
  try {
    return { ok: true, manifest: await loadManifest(model) };
  } catch (err) {
    const message = (err as Error).message;
    if (err instanceof ModelLoadError && err.status === 404) {
      return { ok: false, title: `Model '${name}' is not available yet`, reason: `This server has no ${new URL(model.endsWith('.json') ? model : `${model.replace(/\/+$/, '')}/manifest.json`, location.href).pathname}. Train and export it (see the README), or open the page with ?model=<folder> to use another model.` };
    }
    if (err instanceof ManifestError) return { ok: false, title: `Model '${name}' has a broken manifest`, reason: message };
    if (err instanceof ModelLoadError && err.status !== undefined) return { ok: false, title: `Model '${name}' could not be loaded`, reason: message };
    return { ok: false, title: `Model '${name}' could not be reached`, reason: message };
  }
}

/** The checked manifest of `model` for its load (see checkModel), or nothing when the check failed. */
async function checkedManifest(model: string): Promise<{ manifest?: Manifest }> {
  const a = await checkModel(model);
  return a.ok ? { manifest: a.manifest } : {};
}

/** A CLIP's manifest and, the smallest precision it stores (as the generators). */
async function clipManifest(model: string): Promise<{ manifest?: Manifest; precision?: ReturnType<typeof smallestPrecision> }> {
  const m = await checkedManifest(model);
  return { ...m, precision: smallestPrecision(m.manifest) };
}

/** A model loaded for the visit, with the WebAssembly threads it was opened with. */
export interface Loaded<T> {
  model: T;
  threads: number;
}

interface Entry {
  promise: Promise<Loaded<unknown>>;
  events: ProgressEvent[];
  listeners: Set<(e: ProgressEvent) => void>;
}

const loads = new Map<string, Entry>();

/**
 * Loads (or joins the load of) the model under `key` with `create`; `onProgress` also gets the events that already
 * happened. A failed load is forgotten, so opening the page again retries.
 */
function loadShared<T>(key: string, create: (threads: number, onProgress: (e: ProgressEvent) => void) => Promise<T>, onProgress: (e: ProgressEvent) => void): { promise: Promise<Loaded<T>>; unsubscribe(): void } {
  let entry = loads.get(key);
  if (!entry) {
    const e: Entry = { events: [], listeners: new Set(), promise: Promise.resolve() as unknown as Promise<Loaded<unknown>> };
    const threads = wasmThreads();
    e.promise = create(threads, (ev) => {
      e.events.push(ev);
      for (const l of e.listeners) l(ev);
    }).then((model) => ({ model, threads }));
    e.promise.catch(() => loads.delete(key));
    loads.set(key, e);
    entry = e;
  }
  for (const ev of entry.events) onProgress(ev);
  entry.listeners.add(onProgress);
  const listeners = entry.listeners;
  return { promise: entry.promise as Promise<Loaded<T>>, unsubscribe: () => listeners.delete(onProgress) };
}

/** Loads (or joins the load of) the generator `model` on `backend`. */
export function loadGenerator(model: string, backend: Backend, onProgress: (e: ProgressEvent) => void): { promise: Promise<Loaded<Generator>>; unsubscribe(): void } {
  return loadShared(
    `generator|${keyOf(model)}|${backend}`,
    async (threads, p) => {
      const checked = await checkedManifest(model);
      return createGenerator({ model, backend, threads, onProgress: p, ...checked, precision: smallestPrecision(checked.manifest) });
    },
    onProgress,
  );
}

/**
 * A visitor downloads the smallest weights the model has: int8 (a quarter of float32's bytes; onnxruntime reads them
 * back into float32 once, at load: the same speed, quality measured in the card) else float16 (half: cast once at
 * load; the outputs move by ~2e-4, the cards' fp16 parity), else what it has. Not the int8 QDQ graph (faster on wasm):
 * it was measured on the wasm backend only, and a visitor's backend is WebGPU where there is an adapter.
 */
export function smallestPrecision(manifest: Manifest | undefined): 'int8' | 'float16' | 'auto' {
  const files = manifest ? Object.values(manifest.files) : [];
  return files.some((f) => f.variants?.int8) ? 'int8' : files.some((f) => f.variants?.float16) ? 'float16' : 'auto';
}

/** Loads (or joins the load of) the CLIP model `model` on `backend`: the Ask the model page and text to image share it. */
export function loadClip(model: string, backend: Backend, onProgress: (e: ProgressEvent) => void): { promise: Promise<Loaded<Clip>>; unsubscribe(): void } {
  return loadShared(`clip|${keyOf(model)}|${backend}`, async (threads, p) => createClip({ model, backend, threads, onProgress: p, ...(await clipManifest(model)) }), onProgress);
}

/** Loads (or joins the load of) the classifier `model` on `backend` (the Explain page's judge). */
export function loadClassifier(model: string, backend: Backend, onProgress: (e: ProgressEvent) => void): { promise: Promise<Loaded<Classifier>>; unsubscribe(): void } {
  return loadShared(`classifier|${keyOf(model)}|${backend}`, async (threads, p) => createClassifier({ model, backend, threads, onProgress: p, ...(await checkedManifest(model)) }), onProgress);
}

/** A candidate of the model list whose manifest is on the server. */
export interface Found {
  url: string;
  manifest: Manifest;
}

/** Checks every candidate (manifests only, in parallel): each one's availability, and those whose kind is `kind`. */
export async function findModels(urls: readonly string[], kind: ModelKind): Promise<{ checked: Availability[]; usable: Found[] }> {
  const checked = await Promise.all(urls.map((url) => checkModel(url)));
  const usable: Found[] = [];
  checked.forEach((a, i) => {
    if (a.ok && a.manifest.kind === kind) usable.push({ url: urls[i]!, manifest: a.manifest });
  });
  return { checked, usable };
}

/** What a page needs from a model; null when it suits. */
export type Requirement = (m: Manifest) => string | null;

export const isGenerator: Requirement = (m) => (m.kind === 'diffusion-unet' || m.kind === 'latent-diffusion' ? null : `'${m.name}' is a ${m.kind} model, not an image generator.`);

export const needsText: Requirement = (m) => isGenerator(m) ?? (m.conditioning?.tokenizer ? null : `'${m.name}' does not take a text prompt (it has no tokenizer); this page needs a text-to-image model such as shapes-t2i.`);

export const needsNoText: Requirement = (m) => isGenerator(m) ?? (m.conditioning?.tokenizer ? `'${m.name}' is a text-to-image model; this page draws classes (digits). Try the Text to image page.` : null);
