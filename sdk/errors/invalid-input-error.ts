import { WebgenSdkError } from './webgen-sdk-error.js';

// Stands for "no value passed": the message then leaves `got` out (an explicit `undefined` reads the same).
const NOT_GIVEN: unique symbol = Symbol('not given');

/**
 * A public function was called with an argument or option it cannot use. The message quotes the parameter,
 * says what is expected and what was given: `'strength' must be in [0, 1], got 1.5`.
 */
export class InvalidInputError extends WebgenSdkError {
  // Spelled out: minifiers rename classes, and the name is how the error crosses the worker boundary.
  override name: string = 'InvalidInputError';
  constructor(
    /** The parameter or option at fault, as the caller spells it (`'strength'`, `'config.timestepSpacing'`). */
    readonly parameter: string,
    /** What a valid value looks like, phrased to follow the parameter name: `must be in [0, 1]`. */
    expectation: string,
    /** The value received; left out of the message when not passed (a missing value, say). */
    got: unknown = NOT_GIVEN,
  ) {
    super(`'${parameter}' ${expectation}${got === NOT_GIVEN ? '' : `, got ${describe(got)}`}`);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<unknown>).length})`;
  // Short arrays of numbers (a guidance interval, a class per image) are shown; long ones by their length.
  if (Array.isArray(value)) return value.length <= 8 && value.every((v) => typeof v === 'number') ? `[${value.join(', ')}]` : `array(${value.length})`;
  return String(value);
}
