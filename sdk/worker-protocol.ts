/**
 * The worker boundary, defined once (imported by both sides): what `load` takes and returns, and how errors cross.
 * Comlink's 'throw' handler is replaced so that an error thrown in the worker arrives on the main thread as the same
 * typed error class with its fields (errors/serialize.ts), not a plain Error.
 */
import { transferHandlers, type TransferHandler } from 'comlink';
import { deserializeError, serializeError, type SerializedError } from './errors/serialize.js';
import type { Manifest } from './manifest/types.js';
import type { ActiveBackend, Backend, Precision } from './types.js';

/** What the client sends to load a model. */
export interface LoadRequest {
  /** Absolute URL of manifest.json (resolved on the main thread: the worker's base URL differs). */
  manifestUrl: string;
  backend: Backend;
  /** Undefined = the default for this page (types.ts GeneratorOptions.threads). */
  threads: number | undefined;
  cache: boolean;
  /** types.ts GeneratorOptions.precision. Default 'auto'. */
  precision?: 'auto' | Precision;
  /** Absolute folder URL (ending in '/') of a served copy of the package's dist/ (GeneratorOptions.assetsUrl). Default: the files the bundler placed beside the worker (worker-assets.ts). */
  assetsUrl?: string;
}

export interface LoadResult {
  manifest: Manifest;
  backend: ActiveBackend;
  precision: Precision;
}

const base = transferHandlers.get('throw')!;
const throwHandler: TransferHandler<{ value: unknown }, { typed: SerializedError }> = {
  canHandle: base.canHandle as (v: unknown) => v is { value: unknown },
  serialize: ({ value }) => [{ typed: serializeError(value) }, []],
  deserialize: (s) => {
    throw deserializeError(s.typed);
  },
};
transferHandlers.set('throw', throwHandler as TransferHandler<unknown, unknown>);
