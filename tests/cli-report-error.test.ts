// How both command lines end on an error (trainer/cli/report-error.ts): one stderr line and an exit code for every
// error, expected or not; the stack only with WEBGEN_DEBUG=1.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidInputError } from '../sdk/errors/invalid-input-error.js';
import { reportError } from '../trainer/cli/report-error.js';
import { DataError } from '../trainer/errors/data-error.js';
import { UsageError } from '../trainer/errors/usage-error.js';

function report(err: unknown, env?: string): { code: number; text: string } {
  let text = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((text += String(chunk)), true));
  if (env !== undefined) vi.stubEnv('WEBGEN_DEBUG', env);
  try {
    return { code: reportError('webgen', err), text };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.unstubAllEnvs());

describe('reportError', () => {
  it('errors thrown on purpose are their message: exit 2 for usage, 1 for data and for the SDK', () => {
    expect(report(new UsageError('--steps must be an integer >= 1, got 0'))).toEqual({ code: 2, text: 'webgen: --steps must be an integer >= 1, got 0\n' });
    expect(report(new DataError('a.png', 'cannot read the image (EACCES)'))).toEqual({ code: 1, text: 'webgen: a.png: cannot read the image (EACCES)\n' });
    expect(report(new InvalidInputError('kidSamples', 'must be an integer in [0, 1000000]', 1e12))).toEqual({ code: 1, text: "webgen: 'kidSamples' must be an integer in [0, 1000000], got 1000000000000\n" });
  });

  it('anything else is one line with its name and the WEBGEN_DEBUG hint, exit 1; a multi-line message is joined', () => {
    const r = report(new TypeError('first\n  second'), '');
    expect(r).toEqual({ code: 1, text: 'webgen: unexpected error: TypeError: first second (set WEBGEN_DEBUG=1 for the stack trace)\n' });
    expect(report('a thrown string').text).toBe('webgen: unexpected error: a thrown string (set WEBGEN_DEBUG=1 for the stack trace)\n');
  });

  it('WEBGEN_DEBUG=1 adds the stack after the line; WEBGEN_DEBUG=0 does not', () => {
    const err = new RangeError('Array buffer allocation failed');
    const on = report(err, '1');
    expect(on.text.split('\n')[0]).toBe('webgen: unexpected error: RangeError: Array buffer allocation failed (set WEBGEN_DEBUG=1 for the stack trace)');
    expect(on.text).toContain(err.stack!);
    expect(report(err, '0').text.trim().split('\n')).toHaveLength(1);
  });
});
