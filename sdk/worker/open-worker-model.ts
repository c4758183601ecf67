/**
 * The browser create functions of one-engine model kinds (createGan, createAutoencoder): check the options, resolve
 * the manifest and assets URLs against the page, start an SDK worker and load the model there with the given loader
 * method (the same loader as createGenerator: Cache API, sha256 integrity, progress, WebGPU first).
 */
import type { Remote } from 'comlink';
import { checkOptions } from '../client.js';
import { AbortError } from '../errors/abort-error.js';
import type { GeneratorOptions } from '../types.js';
import type { WorkerApi } from '../worker.js';
import { checkSignal, progressProxy, WorkerConnection } from './connection.js';
import { loadRequest } from './load-request.js';
import type { LoadRequest, LoadResult } from './protocol.js';

/** Who is being created (as node-engine.ts NodeEngineSpec) and which worker method loads it. */
export interface WorkerModelSpec {
  names: readonly string[];
  callee: string;
  calls: string;
  /** What the model is called in the error of a call after dispose ('CLIP model'). Default 'model'. */
  what?: string;
  load: (remote: Remote<WorkerApi>, req: LoadRequest, onProgress: ReturnType<typeof progressProxy>) => Promise<LoadResult>;
}

/** A model loaded in its own SDK worker, as its client holds it: calls that a signal stops, and dispose. */
export class WorkerModel {
  /** The error message of a call after dispose. */
  private readonly closed: string;

  constructor(
    readonly connection: WorkerConnection,
    readonly loaded: LoadResult,
    spec: Pick<WorkerModelSpec, 'callee' | 'what'>,
  ) {
    this.closed = `${spec.what ?? 'model'} '${loaded.manifest.name}' was disposed; create a new one with ${spec.callee.replace('()', '')}`;
  }

  /** One worker call with its id (connection.abortable): ModelLoadError after dispose, AbortError when `signal` fires. */
  call<T>(signal: AbortSignal | undefined, post: (remote: Remote<WorkerApi>, id: number) => Promise<T>): Promise<T> {
    return this.connection.abortable(this.closed, signal, post);
  }

  /** Releases the model in the worker and ends it. */
  dispose(): Promise<void> {
    return this.connection.dispose((remote) => remote.dispose());
  }
}

export async function openWorkerModel(options: GeneratorOptions & { signal?: AbortSignal }, spec: WorkerModelSpec): Promise<WorkerModel> {
  checkOptions(options, spec.names, spec.callee, spec.calls);
  const { signal, onProgress } = options;
  checkSignal(signal);
  if (signal?.aborted) throw new AbortError();
  const req = loadRequest(options);
  const { assetsUrl } = req;
  const { connection, loaded } = await WorkerConnection.open(assetsUrl, (remote) => spec.load(remote, req, progressProxy(onProgress)), signal);
  return new WorkerModel(connection, loaded, spec);
}
