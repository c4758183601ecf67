// The number flags of both command lines (trainer/cli/number-flags.ts): integers in decimal digits only, numbers in
// decimal notation, each refusal a UsageError (exit 2) that names the flag and quotes the value as given.
import { describe, expect, it } from 'vitest';
import { intFlag, numberFlag } from '../trainer/cli/number-flags.js';
import { UsageError } from '../trainer/errors/usage-error.js';

const refusal = (f: () => unknown): UsageError => {
  try {
    f();
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error('accepted');
};

describe('intFlag', () => {
  it.each(['0x5', '1e1', '5.0', '', ' 5', '5 ', '5abc', '+5', '0b1', '0o7', 'Infinity', 'NaN', '٥', '1_000'])('refuses %j, naming the flag and the value', (raw) => {
    const err = refusal(() => intFlag('steps', raw));
    expect(err.message).toBe(`--steps must be an integer >= 1 in decimal digits, got '${raw}'`);
    expect(err.exitCode).toBe(2);
  });

  it('takes decimal digits within the range, leading zeros included', () => {
    expect(intFlag('steps', '5')).toBe(5);
    expect(intFlag('steps', '007')).toBe(7);
    expect(intFlag('seed', '0', 0)).toBe(0);
    expect(intFlag('offset', '-3', -10)).toBe(-3);
    expect(intFlag('seed', '4294967295', 0, 2 ** 32 - 1)).toBe(4294967295);
  });

  it('names the range when a value is outside it, and refuses integers Number() would round', () => {
    expect(refusal(() => intFlag('steps', '0')).message).toBe("--steps must be an integer >= 1, got '0'");
    expect(refusal(() => intFlag('seed', '-1', 0)).message).toBe("--seed must be an integer >= 0, got '-1'");
    expect(refusal(() => intFlag('batch', '10001', 1, 10_000)).message).toBe("--batch must be an integer in [1, 10000], got '10001'");
    expect(refusal(() => intFlag('seed', '9007199254740993', 0)).message).toBe("--seed must be an integer >= 0, got '9007199254740993'");
  });
});

describe('numberFlag', () => {
  it.each(['0x5', '', ' 1', '1 ', 'Infinity', '-Infinity', 'NaN', '1,5', '1e', '.', '1e400'])('refuses %j', (raw) => {
    expect(refusal(() => numberFlag('guidance', raw)).message).toBe(`--guidance must be a number, got '${raw}'`);
  });

  it.each([['2', 2], ['0.5', 0.5], ['.5', 0.5], ['1e-4', 1e-4], ['-1.5', -1.5], ['3.', 3]])('takes %j', (raw, value) => {
    expect(numberFlag('guidance', raw)).toBe(value);
  });
});
