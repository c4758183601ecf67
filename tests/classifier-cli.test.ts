// `webgen-train classifier`: bad command lines stop with exit code 2 and a message naming the
// problem, before any data is read or training starts.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { classifierCommand } from '../trainer/cli/classifier-command.js';

let errors: string;
let out: string;
beforeEach(() => {
  errors = '';
  out = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    errors += String(chunk);
    return true;
  });
  vi.spyOn(console, 'log').mockImplementation((line: string) => {
    out += `${line}\n`;
  });
});
afterEach(() => vi.restoreAllMocks());

describe('webgen-train classifier', () => {
  it.each([
    [[], /missing data: webgen-train classifier <mnist\|shapes>/],
    [['cifar'], /unknown classifier data 'cifar'; use one of mnist, shapes/],
    [['mnist', 'shapes'], /unexpected argument 'shapes'/],
    [['mnist', '--stepz', '5'], /Unknown option '--stepz'.*--help/],
    [['mnist', '--steps', 'many'], /--steps must be an integer >= 1 in decimal digits, got 'many'/],
    [['mnist', '--steps', '0'], /--steps must be an integer >= 1, got '0'/],
    [['shapes', '--hold-out', '0'], /--hold-out must be an integer >= 1, got '0'/],
    [['mnist', '--lr', '2'], /--lr must be a number in \(0, 1\), got '2'/],
    [['mnist', '--threads', '9'], /--threads must be in \[1, 8\]/],
    [['mnist', '--checkpoint-every', '0'], /--checkpoint-every must be an integer >= 1, got '0'/],
    [['mnist', '--run', ' '], /--run needs a folder name/],
    [['mnist', '--resume=yes'], /--resume/],
  ])('%j exits 2 with a clear message', async (argv, message) => {
    expect(await classifierCommand(argv as string[])).toBe(2);
    expect(errors).toMatch(message);
  });

  it('--help prints the usage and exits 0', async () => {
    expect(await classifierCommand(['--help'])).toBe(0);
    expect(out).toMatch(/webgen-train classifier <mnist\|shapes> \[options\]/);
    expect(out).toMatch(/--hold-out N/);
  });
});
