/**
 * The options object of one call of a one-engine client (autoencoder, clip), checked at the public edge for the
 * browser and Node clients alike: an object (or left out, where the call allows), only the names the call accepts
 * (a creation option given here says where it belongs), and `signal` an AbortSignal.
 */
import { InvalidInputError } from '../errors/invalid-input-error.js';
import { checkOptionNames } from './check-option-names.js';
import { creationOnlyHints } from './creation-option-names.js';

/** One call, for the checks and their messages. */
export interface CallSpec {
  /** 'zeroShot'. */
  method: string;
  /** The option names it accepts. */
  names: readonly string[];
  /** The function that made the object ('createClip()'), where creation options belong. */
  creator: string;
  /** A valid options object, for the error. Default '{ signal }'. */
  example?: string;
  /** The call has no default for its options (interpolate, zeroShot). Default false. */
  required?: boolean;
}

/** Checks the options of one call (see CallSpec) and returns its signal. */
export function checkCallOptions(options: unknown, spec: CallSpec): AbortSignal | undefined {
  const { method, example = '{ signal }' } = spec;
  if (options === undefined && !spec.required) return undefined;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidInputError('options', `of ${method}() must be an object like ${example}`, options);
  }
  checkOptionNames(options, spec.names, `${method}()`, creationOnlyHints(spec.creator));
  const signal = (options as { signal?: unknown }).signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new InvalidInputError('signal', 'must be an AbortSignal (new AbortController().signal)', signal);
  return signal as AbortSignal | undefined;
}
