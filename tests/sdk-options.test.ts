// The SDK's public edge: option checking, model URLs, manifest checks, and errors crossing the worker boundary.
import { describe, expect, it, vi } from 'vitest';
import { AbortError } from '../sdk/errors/abort-error.js';
import { IntegrityError } from '../sdk/errors/integrity-error.js';
import { InvalidInputError } from '../sdk/errors/invalid-input-error.js';
import { ManifestError } from '../sdk/errors/manifest-error.js';
import { ModelLoadError } from '../sdk/errors/model-load-error.js';
import { PromptTooLongError } from '../sdk/errors/prompt-too-long-error.js';
import { deserializeError, serializeError } from '../sdk/worker/errors.js';
import { WebgenSdkError } from '../sdk/errors/webgen-sdk-error.js';
import { checkDiffusionManifest } from '../sdk/generator/model-check.js';
import { checkOptionKeys, DEFAULTS, resolveClassLabels, resolveCommon } from '../sdk/generator/options.js';
import { nearestName } from '../sdk/options/check-option-names.js';
import { manifestUrlOf } from '../sdk/loader/model-url.js';
import { MANIFEST_SCHEMA_VERSION, type Manifest } from '../sdk/manifest/types.js';
import { validateManifest } from '../sdk/manifest/validate-manifest.js';
import { validateManifest as trainerValidateManifest } from '../trainer/export/manifest.js';
import { reportError } from '../trainer/cli/report-error.js';

function manifest(edit: (m: any) => void = () => {}): Manifest {
  const spec = (name: string, dtype: string, shape: (number | string)[]) => ({ name, dtype, shape });
  const m = {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    name: 'digits',
    kind: 'diffusion-unet',
    createdAt: '2025-01-31T12:00:00.000Z',
    files: {
      unet: {
        path: 'model.onnx',
        sha256: 'a'.repeat(64),
        bytes: 10,
        inputs: [spec('sample', 'float32', ['batch', 1, 32, 32]), spec('timestep', 'float32', ['batch']), spec('class_labels', 'int64', ['batch'])],
        outputs: [spec('model_output', 'float32', ['batch', 1, 32, 32])],
        weights: 'float32',
      },
    },
    image: { width: 32, height: 32, channels: 1, range: [-1, 1] },
    schedule: { kind: 'linear', betaStart: 1e-4, betaEnd: 0.02, trainSteps: 1000, predictionType: 'v' },
    conditioning: { classes: ['zero', 'one', 'two'], nullClass: 3 },
    training: { recipe: 'r', data: 'd', steps: 1, wallTimeSeconds: 1, parameters: 1, config: {} },
    metrics: {},
    parity: { maxAbsError: 0, tolerance: 1e-4 },
  };
  edit(m);
  return validateManifest(m);
}

describe('option checking', () => {
  const m = manifest();

  it('fills the documented defaults', () => {
    const c = resolveCommon({}, m);
    expect(c).toMatchObject({ steps: DEFAULTS.steps, eta: 0, guidanceScale: undefined, guidanceInterval: [0, 1] });
    expect(resolveCommon({ guidanceInterval: [0.3, 1] }, m).guidanceInterval).toEqual([0.3, 1]);
    expect(Number.isInteger(c.seed) && c.seed >= 0 && c.seed < 2 ** 32).toBe(true);
    expect(resolveCommon({}, m).seed).not.toBe(resolveCommon({}, m).seed);
  });

  it.each([
    [{ steps: 0 }, /'steps' must be an integer in \[1, 1000\] \(the model's training timesteps\), got 0/],
    [{ steps: 2.5 }, /'steps' must be an integer/],
    [{ eta: 1.5 }, /'eta' must be a number in \[0, 1\], got 1.5/],
    [{ seed: -1 }, /'seed' must be an integer in \[0, 4294967295\], got -1/],
    [{ seed: '7' }, /'seed' must be an integer .*got "7"/],
    [{ guidanceScale: NaN }, /'guidanceScale' must be a number in \[0, 50\], got NaN/],
    [{ guidanceInterval: [0.5, 0.2] }, /'guidanceInterval' must be \[lo, hi\] with 0 ≤ lo ≤ hi ≤ 1.*got \[0.5, 0.2\]/],
    [{ guidanceInterval: 0.3 }, /'guidanceInterval' must be \[lo, hi\]/],
    [{ signal: {} }, /'signal' must be an AbortSignal/],
    [{ onStep: 'log' }, /'onStep' must be a function/],
  ])('rejects %o with a message naming the option', (opts, message) => {
    expect(() => resolveCommon(opts, m)).toThrow(InvalidInputError);
    expect(() => resolveCommon(opts, m)).toThrow(message);
  });

  it('rejects unknown option names, suggesting the near one', () => {
    expect(() => checkOptionKeys('sample', { guidance: 3 })).toThrow(/'guidance' is not an option of sample\(\) \(did you mean 'guidanceScale'\?\)/);
    expect(() => checkOptionKeys('textToImage', { classLabel: 1 })).toThrow(/'classLabel' is not an option of textToImage\(\)/);
    expect(() => checkOptionKeys('sample', 5)).toThrow(/'options' of sample\(\) must be an object/);
    expect(checkOptionKeys('sample', { steps: undefined })).toEqual({ steps: undefined });
    expect(() => checkOptionKeys('sample', { threads: 2 })).toThrow(/'threads' is not an option of sample\(\); it is an option of createGenerator\(\), where the model is loaded, not of each call/);
  });

  it('nearestName suggests a name differing in case, a 4+ letter prefix, or a few edits (a swap is one), and nothing far', () => {
    const names = ['model', 'backend', 'threads', 'cache', 'precision', 'onProgress', 'assetsUrl'];
    expect(nearestName('thread', names)).toBe('threads');
    expect(nearestName('Threads', names)).toBe('threads');
    expect(nearestName('onprogres', names)).toBe('onProgress');
    expect(nearestName('precison', names)).toBe('precision');
    expect(nearestName('assetUrl', names)).toBe('assetsUrl');
    expect(nearestName('cahce', names)).toBe('cache'); // a swap of neighbours is one edit
    expect(nearestName('signal', names)).toBeUndefined();
    expect(nearestName('x', names)).toBeUndefined();
    expect(nearestName('mode', names)).toBe('model');
  });

  it('resolves class labels by index or name, per image, and refuses what the model lacks', () => {
    expect([...resolveClassLabels(2, m, 3)!]).toEqual([2, 2, 2]);
    expect([...resolveClassLabels(['one', 0], m, 2)!]).toEqual([1, 0]);
    expect(resolveClassLabels(undefined, m, 2)).toBeUndefined();
    expect(() => resolveClassLabels(3, m, 1)).toThrow(/'classLabel' must be an integer in \[0, 2\]/);
    expect(() => resolveClassLabels(['one'], m, 2)).toThrow(/one entry per image \(batch = 2\)/);
    expect(() => resolveClassLabels(['one', 'ten'], m, 2)).toThrow(/'classLabel\[1\]' must be a class of model 'digits': "zero", "one", "two"/);
    const unconditional = manifest((x) => {
      delete x.conditioning;
      x.files.unet.inputs.pop();
    });
    expect(() => resolveClassLabels(1, unconditional, 1)).toThrow(/'classLabel' is not accepted: model 'digits' is not class-conditional/);
  });
});

describe('model URLs', () => {
  it('finds manifest.json of a folder (with or without a slash) or takes a .json as is', () => {
    const base = 'https://example.com/app/index.html';
    expect(manifestUrlOf('models/mnist-ddim', base).href).toBe('https://example.com/app/models/mnist-ddim/manifest.json');
    expect(manifestUrlOf('/models/x/', base).href).toBe('https://example.com/models/x/manifest.json');
    expect(manifestUrlOf('https://cdn.example/m/manifest.json', base).href).toBe('https://cdn.example/m/manifest.json');
    expect(manifestUrlOf(new URL('file:///srv/models/a'), base).href).toBe('file:///srv/models/a/manifest.json');
    expect(() => manifestUrlOf('', base)).toThrow(/'model' must be the URL or path of a model folder/);
    expect(() => manifestUrlOf(undefined, base)).toThrow(InvalidInputError);
  });
});

describe('manifest (sdk/manifest, shared with the trainer)', () => {
  it('throws the SDK ManifestError, a ModelLoadError naming the field', () => {
    try {
      manifest((x) => (x.files.unet.sha256 = 'nope'));
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(ManifestError);
      expect(err).toBeInstanceOf(ModelLoadError);
      expect((err as ManifestError).field).toBe('files.unet.sha256');
    }
  });

  it('the trainer uses the same validator, and its command line reports the ManifestError as one line, exit 1', () => {
    expect(trainerValidateManifest).toBe(validateManifest);
    let err: unknown;
    try {
      trainerValidateManifest({ ...manifest(), kind: 'unet' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ManifestError);
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(reportError('webgen-train', err)).toBe(1);
      expect(String(write.mock.calls[0]![0])).toBe(`webgen-train: ${(err as Error).message}\n`);
    } finally {
      write.mockRestore();
    }
  });

  it('checkDiffusionManifest refuses other kinds and inputs that do not match the image', () => {
    expect(checkDiffusionManifest(manifest()).unet.path).toBe('model.onnx');
    expect(() => checkDiffusionManifest(manifest((x) => (x.kind = 'classifier')))).toThrow(/'digits' is a 'classifier', not a 'diffusion-unet'/);
    expect(() => checkDiffusionManifest(manifest((x) => (x.image.width = 64)))).toThrow(/inputs\[sample\]\.shape' of 'digits' is \["batch",1,32,32\], which does not match image 1x32x64/);
    expect(() => checkDiffusionManifest(manifest((x) => delete x.conditioning))).toThrow(/takes 'class_labels' but the manifest lists no conditioning\.classes/);
    expect(() => checkDiffusionManifest(manifest((x) => (x.files.unet.outputs[0].name = 'eps')))).toThrow(/lacks 'model_output'/);
  });
});

describe('errors across the worker boundary', () => {
  it('come back as the same class with their fields', () => {
    const cases: Error[] = [
      new InvalidInputError('strength', 'must be in [0, 1]', 1.5),
      new PromptTooLongError('prompt', 19, 16),
      new IntegrityError('model.onnx', 'a'.repeat(64), 'b'.repeat(64)),
      new ManifestError('image.width', 'must be an integer >= 1, got 0'),
      new ModelLoadError('gone'),
      new AbortError(),
      new TypeError('plain'),
    ];
    for (const original of cases) {
      const back = deserializeError(structuredClone(serializeError(original)));
      expect(back.constructor).toBe(original.constructor);
      expect(back.message).toBe(original.message);
      expect(back.name).toBe(original.name);
      expect({ ...back }).toEqual({ ...original });
    }
    const prompt = deserializeError(serializeError(new PromptTooLongError('prompt', 19, 16))) as PromptTooLongError;
    expect(prompt).toBeInstanceOf(InvalidInputError);
    expect([prompt.parameter, prompt.tokens, prompt.maxLength]).toEqual(['prompt', 19, 16]);
  });

  it("a platform DOMException 'AbortError' becomes the SDK's AbortError; unknown names a WebgenSdkError", () => {
    expect(deserializeError(serializeError(new DOMException('stop', 'AbortError')))).toBeInstanceOf(AbortError);
    const odd = Object.assign(new Error('x'), { name: 'WeirdError' });
    expect(deserializeError(serializeError(odd))).toBeInstanceOf(WebgenSdkError);
  });
});
