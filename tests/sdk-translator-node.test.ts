// The translator API in Node (issue 23): createTranslator on the smoke recipe's generator exported into a temp folder
// by the trainer's exporter. translate() returns the tfjs forward pass as RGBA pixels and raw values, resizes other
// sizes, and refuses bad input with the typed error naming its parameter; another kind of model is refused.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, createTranslator, InvalidInputError, ModelLoadError, type Translator } from '../sdk/node.js';
import { modelToRgba } from '../sdk/image/pixels.js';
import { Rng } from '../sdk/random/rng.js';
import { exportTranslatorFixture, translatorFixtureGenerator } from '../scripts/e2e/translator-fixture.js';
import { REPO_ROOT } from './helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'webgen-sdk-translator-'));
let dir: string;
let translator: Translator;

/** A random RGBA picture (alpha varied too: the model keeps it). */
function picture(width: number, height: number, seed: number) {
  const rng = new Rng(seed);
  return { width, height, data: Uint8ClampedArray.from({ length: width * height * 4 }, () => rng.int(256)) };
}

beforeAll(async () => {
  dir = await exportTranslatorFixture(join(tmp, 'translator'));
  translator = await createTranslator({ model: dir });
}, 120_000);

afterAll(async () => {
  await translator?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

describe('createTranslator (Node)', () => {
  it('names the styles from the manifest', () => {
    expect(translator.source).toBe('noto');
    expect(translator.target).toBe('twemoji');
    expect(translator.manifest.kind).toBe('translator');
    expect(translator.backend).toBe('cpu');
  });

  it("translate: the trainer's forward pass, as values [C, H, W] and RGBA pixels", async () => {
    const image = picture(16, 16, 1);
    const out = await translator.translate({ image });
    expect([out.width, out.height, out.data.length]).toEqual([16, 16, 16 * 16 * 4]);
    expect(out.values).toBeInstanceOf(Float32Array);
    const G = await translatorFixtureGenerator();
    const want = tf.tidy(() => {
      const x = tf.tensor4d(Float32Array.from(image.data, (v) => v / 127.5 - 1), [1, 16, 16, 4]);
      return G.apply(x).transpose([0, 3, 1, 2]).dataSync() as Float32Array;
    });
    G.dispose();
    let worst = 0;
    want.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - out.values![i]!))));
    expect(worst).toBeLessThan(1e-4);
    expect(Array.from(out.data)).toEqual(Array.from(modelToRgba(out.values!, 0, 4, 16, 16, [-1, 1])));
    // a different picture gives a different translation
    const other = await translator.translate({ image: picture(16, 16, 2) });
    expect(Array.from(other.data)).not.toEqual(Array.from(out.data));
  });

  it("resizes a picture of another size to the model's", async () => {
    const out = await translator.translate({ image: picture(40, 24, 3) });
    expect([out.width, out.height]).toEqual([16, 16]);
  });

  it('an aborted signal stops the call with AbortError', async () => {
    const c = new AbortController();
    c.abort();
    await expect(translator.translate({ image: picture(16, 16, 4), signal: c.signal })).rejects.toBeInstanceOf(AbortError);
  });
});

describe('createTranslator (Node): bad input', () => {
  const bad = async (p: Promise<unknown>, parameter: string, message?: RegExp) => {
    const err = await p.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).parameter).toBe(parameter);
    if (message) expect((err as Error).message).toMatch(message);
  };

  it('refuses another kind of model and unknown or per-call options at creation', async () => {
    await bad(createTranslator({ model: join(REPO_ROOT, 'models', 'mnist-classifier') }), 'model', /kind 'translator'.*'classifier': createTranslator loads 'translator' models only/);
    await bad(createTranslator({ model: dir, image: picture(16, 16, 0) } as never), 'image', /each call \(translate\(\)\)/);
    await bad(createTranslator({ model: dir, strength: 1 } as never), 'strength');
  });

  it('refuses missing or malformed options and pictures, naming them', async () => {
    await bad(translator.translate(undefined as never), 'options', /translate\(\) must be an object like \{ image \}/);
    await bad(translator.translate({} as never), 'image', /is required/);
    await bad(translator.translate({ image: picture(16, 16, 0), steps: 4 } as never), 'steps');
    await bad(translator.translate({ image: picture(16, 16, 0), model: dir } as never), 'model', /option of createTranslator\(\)/);
    await bad(translator.translate({ image: { width: 4, height: 4, data: new Uint8ClampedArray(10) } }), 'image.data');
    await bad(translator.translate({ image: picture(16, 16, 0), signal: 'stop' as never }), 'signal', /AbortSignal/);
  });

  it('after dispose every call is a ModelLoadError', async () => {
    const t = await createTranslator({ model: dir });
    await t.dispose();
    await expect(t.translate({ image: picture(16, 16, 0) })).rejects.toBeInstanceOf(ModelLoadError);
  });
});
