/**
 * The main thread's side of the worker boundary, composed by every browser client (createGenerator, createGan,
 * createFidScorer): it starts the SDK worker, races each call against the worker's own failure (a dead worker must
 * never leave a call pending), numbers calls so an AbortSignal can stop one, and disposes once. Typed errors thrown in
 * the worker arrive as the same classes (protocol.ts installs comlink's handler).
 */
import { proxy, wrap, type Remote } from 'comlink';
import { AbortError } from '../errors/abort-error.js';
import { BackendUnavailableError } from '../errors/backend-unavailable-error.js';
import { InvalidInputError } from '../errors/invalid-input-error.js';
import { ModelLoadError } from '../errors/model-load-error.js';
import { ASSETS_HINT } from '../loader/fetch-wasm.js';
import type { ProgressEvent } from '../types.js';
import type { WorkerApi } from '../worker.js';
import './protocol.js';

/** The page's URL, against which model and asset paths resolve. */
export const pageUrl = (): string => globalThis.location?.href ?? 'http://localhost/';

/**
 * Starts a new SDK worker: `worker.js` from `assetsUrl` (absolute, ending in '/') when given, else the one beside this
 * module. The literal `new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })` is the form Vite and
 * webpack 5 recognise: they bundle the worker as an entry of its own, with the files it names (worker-assets.ts).
 * (This module is reached from the browser entry only, so in dist/ it is part of index.js, beside worker.js.)
 */
function startWorker(assetsUrl?: string): Worker {
  if (assetsUrl !== undefined) return new Worker(new URL('worker.js', assetsUrl), { type: 'module', name: 'webgen' });
  return new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'webgen' });
}

/** Rejects when the worker itself fails (its script cannot load, or it dies). */
function workerFailure(worker: Worker): Promise<never> {
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (e) => {
      e.preventDefault?.();
      reject(new BackendUnavailableError('worker', `the SDK worker failed: ${e.message || `its script could not be loaded; ${ASSETS_HINT}`}`));
    });
    worker.addEventListener('messageerror', () => reject(new BackendUnavailableError('worker', 'a message from the SDK worker could not be read')));
  });
  failed.catch(() => undefined);
  return failed;
}

/** Rejects with AbortError when `signal` aborts (never, without one). */
function aborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new AbortError()), { once: true }));
}

/** Throws unless `signal` is undefined or an AbortSignal. */
export function checkSignal(signal: unknown): asserts signal is AbortSignal | undefined {
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new InvalidInputError('signal', 'must be an AbortSignal (new AbortController().signal)', signal);
}

/** A progress callback as the worker calls it (a comlink proxy), or undefined. */
export function progressProxy(onProgress: ((e: ProgressEvent) => void) | undefined) {
  return onProgress ? proxy((e: ProgressEvent) => void onProgress(e)) : undefined;
}

/** One SDK worker holding one model, as its client sees it. */
export class WorkerConnection {
  private nextId = 0;
  private disposed = false;

  private constructor(
    private readonly worker: Worker,
    readonly remote: Remote<WorkerApi>,
    private readonly failed: Promise<never>,
  ) {}

  /**
   * Starts a worker and runs `load` in it (racing the worker's failure and `signal`); on any failure the worker is
   * terminated before the error is thrown.
   */
  static async open<T>(assetsUrl: string | undefined, load: (remote: Remote<WorkerApi>) => Promise<T>, signal?: AbortSignal): Promise<{ connection: WorkerConnection; loaded: T }> {
    const worker = startWorker(assetsUrl);
    const connection = new WorkerConnection(worker, wrap<WorkerApi>(worker), workerFailure(worker));
    try {
      const loaded = await Promise.race([load(connection.remote), connection.failed, aborted(signal)]);
      return { connection, loaded };
    } catch (err) {
      worker.terminate();
      throw err;
    }
  }

  /** Runs `post` unless disposed (then a ModelLoadError saying `closed`); a check that throws rejects; a dead worker rejects too. */
  async call<T>(closed: string, post: (remote: Remote<WorkerApi>) => Promise<T>): Promise<T> {
    if (this.disposed) throw new ModelLoadError(closed);
    return Promise.race([post(this.remote), this.failed]);
  }

  /**
   * As call, with a call id whose work `signal` stops: an abort posts `abort(id)` to the worker, which stops the call
   * between two steps and rejects it with AbortError.
   */
  async abortable<T>(closed: string, signal: AbortSignal | undefined, post: (remote: Remote<WorkerApi>, id: number) => Promise<T>): Promise<T> {
    if (this.disposed) throw new ModelLoadError(closed);
    checkSignal(signal);
    if (signal?.aborted) throw new AbortError();
    const id = ++this.nextId;
    const onAbort = () => void this.remote.abort(id);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await Promise.race([post(this.remote, id), this.failed]);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Lets the worker release its sessions (`release`), then terminates it. Idempotent. */
  async dispose(release: (remote: Remote<WorkerApi>) => Promise<void>): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await Promise.race([release(this.remote), this.failed]).catch(() => undefined);
    this.worker.terminate();
  }
}
