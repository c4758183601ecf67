/**
 * Errors across the worker boundary: the worker sends `{ name, message, ...fields }`; the main thread re-creates the
 * same typed error (instanceof works, fields like `parameter` or `file` survive). Unknown names become WebgenSdkError.
 */
import { AbortError } from '../errors/abort-error.js';
import { BackendUnavailableError } from '../errors/backend-unavailable-error.js';
import { ExtractorOutputError } from '../errors/extractor-output-error.js';
import { IntegrityError } from '../errors/integrity-error.js';
import { InvalidInputError } from '../errors/invalid-input-error.js';
import { ManifestError } from '../errors/manifest-error.js';
import { ModelLoadError } from '../errors/model-load-error.js';
import { PromptTooLongError } from '../errors/prompt-too-long-error.js';
import { StatsFormatError } from '../errors/stats-format-error.js';
import { StatsWasmUnavailableError } from '../errors/stats-wasm-unavailable-error.js';
import { WebgenSdkError } from '../errors/webgen-sdk-error.js';

const CLASSES: Record<string, new (...args: never[]) => Error> = {
  AbortError,
  BackendUnavailableError,
  ExtractorOutputError,
  IntegrityError,
  InvalidInputError,
  ManifestError,
  ModelLoadError,
  PromptTooLongError,
  StatsFormatError,
  StatsWasmUnavailableError,
  WebgenSdkError,
};

/** What crosses the boundary. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  /** The error's own fields (parameter, file, expected, shape…), structured-cloneable values only. */
  fields: Record<string, unknown>;
}

export function serializeError(err: unknown): SerializedError {
  if (!(err instanceof Error)) return { name: 'WebgenSdkError', message: String(err), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(err)) {
    if (k === 'name' || k === 'message' || k === 'stack' || k === 'cause') continue;
    const plain = (x: unknown) => x === null || ['string', 'number', 'boolean'].includes(typeof x);
    // arrays of plain values too (ExtractorOutputError's shape)
    if (plain(v) || (Array.isArray(v) && v.every(plain))) fields[k] = v;
  }
  // A DOMException 'AbortError' from a platform API reads as the SDK's own.
  const name = err.name === 'AbortError' ? 'AbortError' : err.name;
  return { name, message: err.message, ...(err.stack !== undefined && { stack: err.stack }), fields };
}

const BUILT_IN: Record<string, ErrorConstructor> = { Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError };

export function deserializeError(s: SerializedError): Error {
  const cls = CLASSES[s.name] ?? BUILT_IN[s.name] ?? WebgenSdkError;
  // Object.create skips the constructor: the message was already composed on the other side.
  const err = Object.create(cls.prototype) as Error;
  Object.defineProperty(err, 'message', { value: s.message, writable: true, configurable: true });
  // SDK errors own their name (set in WebgenSdkError's constructor); built-ins inherit it unless it was changed.
  if (err instanceof WebgenSdkError || err.name !== s.name) err.name = s.name;
  if (s.stack !== undefined) Object.defineProperty(err, 'stack', { value: s.stack, writable: true, configurable: true });
  Object.assign(err, s.fields);
  return err;
}
