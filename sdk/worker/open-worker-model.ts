/**
 * The browser create functions of one-engine model kinds (createGan, createAutoencoder): check the options, resolve
 * the manifest and assets URLs against the page, start an SDK worker and load the model there with the given loader
 * method (the same loader as createGenerator: Cache API, sha256 integrity, progress, WebGPU first).
 */
import type { Remote } from 'comlink';
import { checkOptions } from '../client.js';
import { AbortError } from '../errors/abort-error.js';
import { resolveAssetsUrl } from '../loader/assets-url.js';
import { manifestUrlOf } from '../loader/model-url.js';
import type { GeneratorOptions } from '../types.js';
import type { WorkerApi } from '../worker.js';
import { checkSignal, pageUrl, progressProxy, WorkerConnection } from './connection.js';
import type { LoadRequest, LoadResult } from './protocol.js';

/** Who is being created (as node-engine.ts NodeEngineSpec) and which worker method loads it. */
export interface WorkerModelSpec {
  names: readonly string[];
  callee: string;
  calls: string;
  load: (remote: Remote<WorkerApi>, req: LoadRequest, onProgress: ReturnType<typeof progressProxy>) => Promise<LoadResult>;
}

export async function openWorkerModel(options: GeneratorOptions & { signal?: AbortSignal }, spec: WorkerModelSpec): Promise<{ connection: WorkerConnection; loaded: LoadResult }> {
  checkOptions(options, spec.names, spec.callee, spec.calls);
  const { signal, onProgress } = options;
  checkSignal(signal);
  if (signal?.aborted) throw new AbortError();
  const manifestUrl = manifestUrlOf(options.model, pageUrl()).href;
  const assetsUrl = resolveAssetsUrl(options.assetsUrl, pageUrl());
  const req: LoadRequest = { manifestUrl, backend: options.backend ?? 'auto', threads: options.threads, cache: options.cache ?? true, precision: options.precision ?? 'auto', ...(assetsUrl && { assetsUrl }) };
  return WorkerConnection.open(assetsUrl, (remote) => spec.load(remote, req, progressProxy(onProgress)), signal);
}
