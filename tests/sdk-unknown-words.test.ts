// What a text model cannot read, said out loud: unknownPromptWords before drawing, `unknownWords` on every image of a
// prompt (textToImage, sample with per-image prompts, the negative prompt's too), and the CLI's warning.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGenerator, unknownPromptWords, type Generator, type Manifest } from '../sdk/node.js';
import { fixtureModel } from '../scripts/e2e/model-fixtures.js';

let dir: string;
let manifest: Manifest;
let g: Generator;
let out: string;
beforeAll(async () => {
  dir = await fixtureModel('text');
  manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  g = await createGenerator({ model: dir, threads: 1 });
  out = await mkdtemp(join(tmpdir(), 'webgen-unknown-'));
}, 120_000);
afterAll(async () => {
  await g?.dispose();
  await rm(out, { recursive: true, force: true });
});

describe('unknown prompt words', () => {
  it('unknownPromptWords lists each unknown word once, in order, lower-cased; none for known words or class models', () => {
    const known = manifest.conditioning!.tokenizer!.vocab[2]!;
    expect(unknownPromptWords(manifest, `Fluffy ${known} fluffy KITTEN`)).toEqual(['fluffy', 'kitten']);
    expect(unknownPromptWords(manifest, known)).toEqual([]);
    expect(unknownPromptWords({ conditioning: { classes: ['0'] } }, 'anything')).toEqual([]);
  });

  it('every image carries the unknown words of its own prompt and of the negative prompt', async () => {
    const known = manifest.conditioning!.tokenizer!.vocab[2]!;
    const one = await g.textToImage({ prompt: `${known} zebra`, steps: 2, seed: 1 });
    expect(one.unknownWords).toEqual(['zebra']);
    const clean = await g.textToImage({ prompt: known, steps: 2, seed: 1 });
    expect(clean.unknownWords).toEqual([]);
    const two = await g.sample({ prompt: [`${known} zebra`, `${known} yak`], negativePrompt: 'gnu', batch: 2, steps: 2, seed: 1 });
    expect(two.map((i) => i.unknownWords)).toEqual([['zebra', 'gnu'], ['yak', 'gnu']]);
  });

  it('webgen sample warns on stderr naming the unknown words', async () => {
    const { spawnSync } = await import('node:child_process');
    const s = spawnSync(process.execPath, ['trainer/bin/webgen.js', 'sample', '--model', dir, '--prompt', 'zebra stripes', '--steps', '2', '--out', join(out, 'z.png')], { encoding: 'utf8' });
    expect(s.status, s.stderr).toBe(0);
    expect(s.stderr).toMatch(/warning: model '[^']+' does not know 'zebra', 'stripes'/);
  });
});
