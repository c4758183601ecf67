/**
 * The few onnxruntime features the engine uses, as structural types: onnxruntime-web (in the worker) and
 * onnxruntime-node both satisfy them, so the engine imports neither.
 */
import type { ActiveBackend } from '../types.js';

export interface OrtTensorLike {
  readonly data: unknown;
  readonly dims: readonly number[];
  dispose?(): void;
}

/** What onnxruntime reports of a model input or output (InferenceSession.ValueMetadata). */
export interface OrtValueMetadata {
  readonly name: string;
  readonly isTensor: boolean;
  readonly type?: string;
  readonly shape?: ReadonlyArray<number | string>;
}

export interface OrtSessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata?: readonly OrtValueMetadata[];
  readonly outputMetadata?: readonly OrtValueMetadata[];
  /** `fetches`: the outputs to return (default all). */
  run(feeds: Record<string, OrtTensorLike>, fetches?: readonly string[]): Promise<Record<string, OrtTensorLike>>;
  release(): Promise<void>;
}

/** One onnxruntime, ready to make tensors and sessions on one backend. */
export interface OrtRuntime {
  readonly backend: ActiveBackend;
  tensor(type: 'float32', data: Float32Array, dims: readonly number[]): OrtTensorLike;
  tensor(type: 'int64', data: BigInt64Array, dims: readonly number[]): OrtTensorLike;
  /**
   * Lets queued events run (abort and other messages). The browser worker needs it: onnxruntime-web's wasm runs
   * resolve through microtasks only, so without it an abort message would wait for the whole generation.
   */
  yieldToEvents?(): Promise<void>;
  /** A session for one model file (`role` as in manifest.files, for error messages). */
  createSession(bytes: Uint8Array, role: string): Promise<OrtSessionLike>;
}
