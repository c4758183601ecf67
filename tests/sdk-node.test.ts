// The SDK on onnxruntime-node (sdk/node.ts): the same API as the browser, on tiny random-weight fixture models
// exported by the trainer (scripts/e2e/model-fixtures.ts).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, createFidScorer, createGan, createGenerator, IntegrityError, InvalidInputError, ManifestError, ModelLoadError, PromptTooLongError, type Generator, type StepInfo } from '../sdk/node.js';
import { fixtureModel, REPO } from '../scripts/e2e/model-fixtures.js';

let classDir: string;
let textDir: string;
let digits: Generator;
let text: Generator;
const scratch = mkdtempSync(join(tmpdir(), 'webgen-sdk-node-'));

beforeAll(async () => {
  classDir = await fixtureModel('class');
  textDir = await fixtureModel('text');
  digits = await createGenerator({ model: classDir });
  text = await createGenerator({ model: textDir });
});

afterAll(async () => {
  await digits?.dispose();
  await text?.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

/** A copy of fixture `dir` in a scratch folder, after `edit`. */
function copyOf(dir: string, name: string, edit: (folder: string) => void): string {
  const out = join(scratch, name);
  cpSync(dir, out, { recursive: true });
  edit(out);
  return out;
}

describe('createGenerator (Node)', () => {
  it('loads, reports progress and the backend, and exposes the manifest', async () => {
    const events: string[] = [];
    const g = await createGenerator({ model: join(classDir, 'manifest.json'), onProgress: (e) => events.push(e.status) });
    expect(g.backend).toBe('cpu');
    expect(g.manifest.conditioning?.classes).toHaveLength(10);
    expect(events[0]).toBe('download');
    expect(events.at(-1)).toBe('ready');
    await g.dispose();
    await expect(g.sample()).rejects.toThrow(ModelLoadError);
  });

  it('a corrupt model file is an IntegrityError naming the file', async () => {
    const dir = copyOf(classDir, 'corrupt', (d) => {
      const bytes = readFileSync(join(d, 'model.onnx'));
      bytes[bytes.length >> 1] ^= 0xff;
      writeFileSync(join(d, 'model.onnx'), bytes);
    });
    const err = await createGenerator({ model: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntegrityError);
    expect((err as IntegrityError).file).toBe('model.onnx');
  });

  it('a manifest whose input shape disagrees with the ONNX file is a ModelLoadError naming the field', async () => {
    const dir = copyOf(classDir, 'wrong-shape', (d) => {
      const m = JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8'));
      m.files.unet.inputs[0].shape = ['batch', 3, 32, 32];
      m.image.channels = 3;
      writeFileSync(join(d, 'manifest.json'), JSON.stringify(m));
    });
    const err = await createGenerator({ model: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as Error).message).toMatch(/files\.unet\.inputs\[0\]\.shape' of 'fixture-class' is \["batch",3,32,32\] but model\.onnx declares 'sample' as \["batch",1,32,32\]/);
  });

  it('an invalid manifest is a ManifestError; a missing folder and a classifier are ModelLoadErrors', async () => {
    const dir = copyOf(classDir, 'bad-manifest', (d) => {
      const m = JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8'));
      m.schedule.trainSteps = 0;
      writeFileSync(join(d, 'manifest.json'), JSON.stringify(m));
    });
    await expect(createGenerator({ model: dir })).rejects.toThrow(ManifestError);
    await expect(createGenerator({ model: join(scratch, 'nowhere') })).rejects.toThrow(/cannot read .*nowhere\/manifest\.json/);
    await expect(createGenerator({ model: join(REPO, 'models', 'mnist-classifier') })).rejects.toThrow(/is a 'classifier', not a 'diffusion-unet'/);
  });

  it('bad options are InvalidInputErrors naming the option', async () => {
    await expect(createGenerator({ model: classDir, backend: 'webgpu' })).rejects.toThrow(/'backend' must be 'auto' in Node/);
    await expect(createGenerator({ model: classDir, threads: 0 })).rejects.toThrow(/'threads' must be an integer in \[1, 256\]/);
    await expect(createGenerator(undefined as never)).rejects.toThrow(InvalidInputError);
  });
});

describe('sample (class-conditional)', () => {
  it('the same seed gives the same images; another seed, class or guidance scale does not', async () => {
    const a = await digits.sample({ seed: 7, batch: 2, classLabel: 3, steps: 8 });
    const b = await digits.sample({ seed: 7, batch: 2, classLabel: 'three', steps: 8 });
    expect(a).toHaveLength(2);
    expect([a[0]!.width, a[0]!.height, a[0]!.data.length, a[0]!.seed]).toEqual([32, 32, 32 * 32 * 4, 7]);
    expect(a[0]!.data).toEqual(b[0]!.data);
    expect(a[0]!.data).not.toEqual(a[1]!.data);
    const other = await digits.sample({ seed: 8, batch: 2, classLabel: 3, steps: 8 });
    const otherClass = await digits.sample({ seed: 7, batch: 2, classLabel: 5, steps: 8 });
    const unguided = await digits.sample({ seed: 7, batch: 2, classLabel: 3, steps: 8, guidanceScale: 1 });
    for (const c of [other, otherClass, unguided]) expect(maxDiff(c[0]!.data, a[0]!.data)).toBeGreaterThan(10);
    expect(a[0]!.timings.steps).toBe(8);
  });

  it('eta > 0 (stochastic DDIM) is still reproducible from the seed, and differs from eta 0', async () => {
    const a = await digits.sample({ seed: 21, eta: 1, steps: 6, classLabel: 2 });
    const b = await digits.sample({ seed: 21, eta: 1, steps: 6, classLabel: 2 });
    const deterministic = await digits.sample({ seed: 21, eta: 0, steps: 6, classLabel: 2 });
    expect(a[0]!.data).toEqual(b[0]!.data);
    expect(maxDiff(a[0]!.data, deterministic[0]!.data)).toBeGreaterThan(10);
  });

  it("scheduler 'dpm-solver++' samples reproducibly, differs from DDIM at the same steps, and refuses η > 0", async () => {
    const a = await digits.sample({ seed: 4, steps: 6, classLabel: 7, scheduler: 'dpm-solver++' });
    const b = await digits.sample({ seed: 4, steps: 6, classLabel: 7, scheduler: 'dpm-solver++' });
    const ddim = await digits.sample({ seed: 4, steps: 6, classLabel: 7 });
    expect(a[0]!.data).toEqual(b[0]!.data);
    expect(maxDiff(a[0]!.data, ddim[0]!.data)).toBeGreaterThan(0);
    await expect(digits.sample({ steps: 6, scheduler: 'dpm-solver++', eta: 0.5 })).rejects.toThrow(/'eta' must be 0 \(or left out\) with scheduler 'dpm-solver\+\+'/);
    await expect(digits.sample({ steps: 6, scheduler: 'euler' as never })).rejects.toThrow(/'scheduler' must be one of 'ddim', 'ddpm', 'dpm-solver\+\+'/);
  });

  it('a grey model writes R = G = B, alpha 255', async () => {
    const [img] = await digits.sample({ seed: 1, steps: 2 });
    for (let i = 0; i < img!.data.length; i += 4) {
      expect(img!.data[i]).toBe(img!.data[i + 1]);
      expect(img!.data[i + 3]).toBe(255);
    }
  });

  it('onStep sees every step with a preview; the last preview is the image', async () => {
    const steps: StepInfo[] = [];
    const [img] = await digits.sample({ seed: 2, steps: 5, classLabel: 1, onStep: (s) => steps.push(s) });
    expect(steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5]);
    expect(steps.every((s) => s.total === 5 && s.preview.width === 32 && s.preview.data.length === 4096)).toBe(true);
    expect(steps.map((s) => s.timestep)).toEqual([800, 600, 400, 200, 0]);
    expect(maxDiff(steps[4]!.preview.data, img!.data)).toBeLessThanOrEqual(1);
    expect(maxDiff(steps[0]!.preview.data, img!.data)).toBeGreaterThan(1);
  });

  it('an abort between steps rejects with AbortError and the generator stays usable', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const run = digits.sample({ seed: 3, steps: 50, signal: controller.signal, onStep: (s) => (seen.push(s.step), s.step === 2 && controller.abort()) });
    await expect(run).rejects.toBeInstanceOf(AbortError);
    expect(seen).toEqual([1, 2]);
    const [after] = await digits.sample({ seed: 3, steps: 2 });
    expect(after!.data.length).toBe(4096);
  });

  it('an already aborted signal never starts; calls finish in call order; a failing call does not block the queue', async () => {
    const order: string[] = [];
    const controller = new AbortController();
    controller.abort();
    const calls = [
      digits.sample({ seed: 1, steps: 6 }).then(() => order.push('first')),
      digits.sample({ seed: 1, steps: 3, signal: controller.signal }).catch((e: unknown) => order.push((e as Error).name)),
      digits.sample({ seed: 1, steps: 1 }).then(() => order.push('third')),
    ];
    await Promise.all(calls);
    expect(order).toEqual(['first', 'AbortError', 'third']);
    await expect(digits.sample({ classLabel: 99 })).rejects.toThrow(/'classLabel' must be an integer in \[0, 9\]/);
    await expect(digits.textToImage({ prompt: 'a red circle' })).rejects.toThrow(/model 'fixture-class' is not text-conditioned; use sample\(\{ classLabel \}\)/);
    expect((await digits.sample({ steps: 1 })).length).toBe(1);
  });
});

describe('creation options (Node)', () => {
  it('unknown names are InvalidInputErrors with a suggestion, before the model is read; assetsUrl and cache are accepted', async () => {
    // Were silently ignored: createGenerator({ thread: 1 }) ran with the default threads.
    const typo = await createGenerator({ model: classDir, thread: 1 } as never).catch((e: unknown) => e);
    expect(typo).toBeInstanceOf(InvalidInputError);
    expect((typo as InvalidInputError).parameter).toBe('thread');
    expect((typo as Error).message).toBe("'thread' is not an option of createGenerator() (did you mean 'threads'?); it accepts model, manifest, backend, threads, cache, precision, onProgress, assetsUrl");
    await expect(createGenerator({ model: classDir, signal: new AbortController().signal } as never)).rejects.toThrow(
      /'signal' is not an option of createGenerator\(\); it is an option of each call \(sample\(\), textToImage\(\), img2img\(\)\)/,
    );
    await expect(createGenerator({ model: '/nonexistent', Model: classDir } as never)).rejects.toThrow(/'Model' is not an option of createGenerator\(\) \(did you mean 'model'\?\)/);
    await expect(createGan({ model: classDir, seed: 1 } as never)).rejects.toThrow(/'seed' is not an option of createGan\(\); it is an option of each call \(generate\(\), interpolate\(\)\)/);
    await expect(createFidScorer({ extractor: classDir, kidSample: 5 } as never)).rejects.toThrow(/'kidSample' is not an option of createFidScorer\(\) \(did you mean 'kidSamples'\?\)/);
    const g = await createGenerator({ model: classDir, assetsUrl: 'https://cdn.example/webgen/', cache: true });
    await g.dispose();
  });
});

describe('one call, one pass over the prompt', () => {
  it('textToImage and img2img encode the prompt and the negative prompt once each per call', async () => {
    const { WordTokenizer } = await import('../sdk/text/tokenizer.js');
    const encode = WordTokenizer.prototype.encode;
    const seen: string[] = [];
    WordTokenizer.prototype.encode = function (this: typeof WordTokenizer.prototype, prompt: string, parameter?: string) {
      seen.push(parameter ?? 'prompt');
      return encode.call(this, prompt, parameter);
    };
    try {
      await text.textToImage({ prompt: 'a red circle', negativePrompt: 'green', seed: 1, steps: 2 });
      expect(seen.sort()).toEqual(['negativePrompt', 'prompt']);
      seen.length = 0;
      const base = await text.textToImage({ prompt: 'a red circle', seed: 1, steps: 1 });
      seen.length = 0;
      await text.img2img({ image: base, prompt: 'a blue star', strength: 0.5, steps: 2 });
      expect(seen.filter((p) => p === 'prompt')).toHaveLength(1);
    } finally {
      WordTokenizer.prototype.encode = encode;
    }
  });
});

type GeneratedImageLike = Awaited<ReturnType<Generator['textToImage']>>;

describe('sample() with prompts, and model-space values', () => {
  it('a batch of prompts: one prompt for all is textToImage per image; per-image prompts steer each image', async () => {
    const one = await text.textToImage({ prompt: 'a red circle', seed: 4, steps: 6 });
    const [alone] = await text.sample({ prompt: 'a red circle', seed: 4, steps: 6 });
    expect(alone!.data).toEqual(one.data);
    const same = await text.sample({ batch: 2, prompt: 'a red circle', seed: 7, steps: 6 });
    const mixed = await text.sample({ batch: 2, prompt: ['a red circle', 'a blue star'], seed: 7, steps: 6 });
    expect(maxDiff(mixed[0]!.data, same[0]!.data)).toBeLessThanOrEqual(1); // the same noise and prompt in row 0
    expect(maxDiff(mixed[1]!.data, same[1]!.data)).toBeGreaterThan(10); // row 1's prompt differs
    await expect(text.sample({ batch: 2, prompt: ['a red circle'] })).rejects.toThrow(/'prompt' of sample\(\) must be a string, or an array of one string per image \(batch = 2\)/);
    await expect(text.sample({ batch: 2, prompt: ['a red circle', 'a big red circle a big star'] })).rejects.toThrow(/'prompt\[1\]'/);
    await expect(digits.sample({ prompt: 'a 3' })).rejects.toThrow(/'prompt' is not accepted: model '.*' is not text-conditioned; it is class-conditional: pass a classLabel/);
  });

  it('every image carries its model-space values [C, H, W], which round to its pixels', async () => {
    const { modelToRgba } = await import('../sdk/image/pixels.js');
    const drawn: [Generator, GeneratedImageLike][] = [
      ...(await digits.sample({ batch: 2, seed: 3, steps: 3 })).map((img) => [digits, img] as [Generator, GeneratedImageLike]),
      [text, await text.textToImage({ prompt: 'a blue star', seed: 2, steps: 3 })],
    ];
    for (const [g, img] of drawn) {
      const { channels: C, height: H, width: W, range } = g.manifest.image;
      expect(img.values).toBeInstanceOf(Float32Array);
      expect(img.values!.length).toBe(C * H * W);
      expect(modelToRgba(img.values!, 0, C, H, W, range)).toEqual(img.data);
    }
  });
});

describe('textToImage and img2img (text model)', () => {
  it('the prompt and the negative prompt steer the image; the seed reproduces it', async () => {
    const a = await text.textToImage({ prompt: 'a red circle', seed: 4, steps: 6 });
    const again = await text.textToImage({ prompt: 'A red circle!', seed: 4, steps: 6 });
    const b = await text.textToImage({ prompt: 'a blue star', seed: 4, steps: 6 });
    const neg = await text.textToImage({ prompt: 'a red circle', negativePrompt: 'green', seed: 4, steps: 6 });
    expect(a.data).toEqual(again.data);
    expect(maxDiff(a.data, b.data)).toBeGreaterThan(10);
    expect(maxDiff(a.data, neg.data)).toBeGreaterThan(10);
    await expect(text.textToImage({ prompt: 'a big red circle a big star' })).rejects.toBeInstanceOf(PromptTooLongError);
    await expect(text.sample({ classLabel: 1 })).rejects.toThrow(/not class-conditional; it is text-conditioned: pass a prompt/);
  });

  it('strength 0 keeps the (resized) picture, higher strength moves further from it, the seed reproduces it', async () => {
    const base = await text.textToImage({ prompt: 'a green square', seed: 5, steps: 4 });
    const kept = await text.img2img({ image: base, strength: 0 });
    expect(kept.data).toEqual(base.data);
    const big = { width: 64, height: 64, data: new Uint8ClampedArray(64 * 64 * 4) };
    for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) big.data.set(x < 32 ? [255, 0, 0, 255] : [0, 0, 255, 255], (y * 64 + x) * 4);
    const halfKept = await text.img2img({ image: big, strength: 0 });
    expect([halfKept.width, halfKept.data[0], halfKept.data[2], halfKept.data[31 * 4 + 2]]).toEqual([32, 255, 0, 255]);
    const light = await text.img2img({ image: base, strength: 0.3, prompt: 'a green square', seed: 9, steps: 10 });
    const heavy = await text.img2img({ image: base, strength: 0.9, prompt: 'a green square', seed: 9, steps: 10 });
    const lightAgain = await text.img2img({ image: base, strength: 0.3, prompt: 'a green square', seed: 9, steps: 10 });
    expect(light.data).toEqual(lightAgain.data);
    expect(light.timings.steps).toBe(3);
    expect(heavy.timings.steps).toBe(9);
    const mean = (x: ArrayLike<number>) => {
      let s = 0;
      for (let i = 0; i < x.length; i++) if (i % 4 !== 3) s += Math.abs(x[i]! - base.data[i]!);
      return s / ((x.length * 3) / 4);
    };
    expect(mean(light.data)).toBeLessThan(mean(heavy.data));
    await expect(text.img2img({ image: base, strength: 1.5 })).rejects.toThrow(/'strength' must be a number in \[0, 1\], got 1.5/);
    await expect(text.img2img({} as never)).rejects.toThrow(/'image' is required/);
    // Was a plain TypeError (null) or wrong pixels (a string, a plain array, a Float32Array).
    for (const data of [null, 'abc', [1, 2, 3, 4], new Float32Array(4)]) {
      const err = await text.img2img({ image: { width: 1, height: 1, data } as never }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidInputError);
      expect((err as InvalidInputError).parameter).toBe('image.data');
    }
    await expect(text.img2img({ image: { width: 10_000, height: 10_000, data: new Uint8Array(4) } })).rejects.toThrow(/'image' has more than MAX_IMAGE_PIXELS/);
  });
});

describe('loadManifest (Node) and createGenerator({ manifest })', () => {
  it('reads a folder\'s manifest; a load given it does not need the file again; a missing folder is a ModelLoadError', async () => {
    const { loadManifest } = await import('../sdk/node.js');
    const m = await loadManifest(classDir);
    expect(m.kind).toBe('diffusion-unet');
    const g = await createGenerator({ model: classDir, manifest: m });
    expect(g.manifest.name).toBe(m.name);
    await g.dispose();
    await expect(loadManifest(join(classDir, 'nowhere'))).rejects.toThrow(ModelLoadError);
    await expect(createGenerator({ model: classDir, manifest: { ...m, schemaVersion: 0 } })).rejects.toThrow(ManifestError);
  });
});
