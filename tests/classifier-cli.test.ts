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
    [[], /missing data: webgen-train classifier <mnist\|shapes\|emoji>/],
    [['cifar'], /unknown classifier data 'cifar'; use one of mnist, shapes, emoji/],
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
    expect(out).toMatch(/webgen-train classifier <mnist\|shapes\|emoji> \[options\]/);
    expect(out).toMatch(/--hold-out N/);
  });
});

describe('webgen-train classifier emoji (the emoji judge), a few steps', () => {
  it('trains on the emoji split, reports subcategory and style per held-out part, exports and re-judges through ONNX', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const tmp = mkdtempSync(join(tmpdir(), 'webgen-emoji-judge-'));
    const model = join(tmp, 'judge');
    expect(await classifierCommand(['emoji', '--steps', '2', '--batch-size', '8', '--out', model, '--run', join(tmp, 'run')]), errors).toBe(0);
    expect(out).toMatch(/held-out held-out-concept \(386\): subcategory [\d.]+%, style [\d.]+%/);
    expect(out).toMatch(/held-out held-out-style \(163\): subcategory/);
    const m = JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8'));
    expect(m.name).toBe('emoji-judge');
    expect(m.conditioning.classes).toHaveLength(198);
    expect(m.image).toMatchObject({ width: 32, height: 32, channels: 3 });
    for (const k of ['heldOutSubcategoryAccuracy', 'heldOutStyleAccuracy', 'heldOutSubcategoryAccuracy.held-out-concept', 'onnxHeldOutAccuracy']) {
      expect(m.metrics[k]).toBeGreaterThanOrEqual(0);
      expect(m.metrics[k]).toBeLessThanOrEqual(1);
    }
    expect(m.metrics.onnxHeldOutAccuracy).toBeCloseTo(m.metrics.heldOutAccuracy, 2);
  }, 300_000);
});
