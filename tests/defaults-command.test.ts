// `webgen-train defaults` writes a model's sampling defaults into its manifest, and the SDK uses them for options a
// call leaves out (the same image as passing them explicitly); bad values exit 2 naming the flag, and the ONNX files
// are untouched (their sha256 still checks).
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createGenerator } from '../sdk/node.js';
import { validateManifest } from '../sdk/manifest/validate-manifest.js';
import { ganFixtureModel } from '../scripts/e2e/gan-fixtures.js';
import { fixtureModel } from '../scripts/e2e/model-fixtures.js';
import { runCli } from './helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'webgen-defaults-'));
const model = join(tmp, 'class');
let gan: string;

beforeAll(async () => {
  cpSync(await fixtureModel('class'), model, { recursive: true });
  gan = await ganFixtureModel('gan-dcgan');
}, 600_000);

describe('webgen-train defaults', () => {
  it('writes steps, guidance and interval into the manifest; the SDK then samples with them by default', async () => {
    const r = await runCli(['defaults', '--model', model, '--steps', '4', '--guidance', '3', '--guidance-interval', '0.4,1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('sampling defaults {"steps":4,"guidanceScale":3,"guidanceInterval":[0.4,1]}');
    const manifest = validateManifest(JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8')));
    expect(manifest.sampling).toEqual({ steps: 4, guidanceScale: 3, guidanceInterval: [0.4, 1] });

    const g = await createGenerator({ model, threads: 1 });
    try {
      const [byDefault] = await g.sample({ classLabel: 1, seed: 9 });
      const [explicit] = await g.sample({ classLabel: 1, seed: 9, steps: 4, guidanceScale: 3, guidanceInterval: [0.4, 1] });
      const [sdkDefaults] = await g.sample({ classLabel: 1, seed: 9, steps: 20, guidanceScale: 2, guidanceInterval: [0, 1] });
      expect(byDefault!.timings.steps).toBe(4);
      expect(Buffer.from(byDefault!.data).equals(Buffer.from(explicit!.data))).toBe(true);
      expect(Buffer.from(byDefault!.data).equals(Buffer.from(sdkDefaults!.data))).toBe(false);
    } finally {
      await g.dispose();
    }

    // One value at a time keeps the others; --clear removes them all.
    expect((await runCli(['defaults', '--model', model, '--guidance', '1.5'])).stdout).toContain('{"steps":4,"guidanceScale":1.5,"guidanceInterval":[0.4,1]}');
    const cleared = await runCli(['defaults', '--model', model, '--clear']);
    expect(cleared.stdout).toContain('sampling defaults none');
    expect(JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8')).sampling).toBeUndefined();
  }, 120_000);

  it.each([
    [['--steps', '5000'], /--steps must be an integer >= 1 and <= 1000, got 5000$/m],
    [['--guidance', '80'], /--guidance must be a finite number >= 0 and <= 50/],
    [['--guidance-interval', '0.9,0.1'], /--guidance-interval must be LO,HI/],
    [['--steps', '3', '--clear'], /--clear removes all defaults: give it alone/],
  ])('refuses %j with exit 2, naming the flag, and leaves the manifest as it was', async (flags, message) => {
    const before = readFileSync(join(model, 'manifest.json'), 'utf8');
    const r = await runCli(['defaults', '--model', model, ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(readFileSync(join(model, 'manifest.json'), 'utf8')).toBe(before);
  });

  it('needs a diffusion model folder', async () => {
    expect((await runCli(['defaults'])).stderr).toMatch(/defaults needs --model DIR/);
    const r = await runCli(['defaults', '--model', gan, '--steps', '3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is a gan-generator: sampling defaults apply to diffusion models/);
    const missing = await runCli(['defaults', '--model', join(tmp, 'nope')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/manifest\.json.*cannot read the manifest \(ENOENT\)/);
  });
});
