// Float16 variants of a model's files (manifest files.<role>.variants.float16, written by export with --fp16) and
// createGenerator's `precision` option: the manifest field, the choice (what the runtime offers × what the model has),
// and the Node SDK running the fp16 file within a stated tolerance of float32.
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../sdk/errors/invalid-input-error.js';
import { ManifestError } from '../sdk/errors/manifest-error.js';
import { checkPrecision, choosePrecision, type PrecisionDevice } from '../sdk/loader/choose-precision.js';
import { MANIFEST_SCHEMA_VERSION, type Manifest } from '../sdk/manifest/types.js';
import { validateManifest } from '../sdk/manifest/validate-manifest.js';
import { createGenerator, IntegrityError, type ProgressEvent } from '../sdk/node.js';
import { verifyModelFolder } from '../trainer/export/model-folder.js';
import { FP16_PIXEL_TOLERANCE, maxAbsDiff, meanAbsDiff } from '../scripts/e2e/compare.js';
import { fixtureModel } from '../scripts/e2e/model-fixtures.js';

const spec = (name: string, dtype: string, shape: (number | string)[]) => ({ name, dtype, shape });

function manifest(edit: (m: any) => void = () => {}): Manifest {
  const m = {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    name: 'digits',
    kind: 'diffusion-unet',
    createdAt: '2025-01-31T12:00:00.000Z',
    files: {
      unet: {
        path: 'model.onnx',
        sha256: 'a'.repeat(64),
        bytes: 1000,
        inputs: [spec('sample', 'float32', ['batch', 1, 32, 32]), spec('timestep', 'float32', ['batch'])],
        outputs: [spec('model_output', 'float32', ['batch', 1, 32, 32])],
        weights: 'float32',
        variants: { float16: { path: 'model.fp16.onnx', sha256: 'b'.repeat(64), bytes: 520 } },
      },
    },
    image: { width: 32, height: 32, channels: 1, range: [-1, 1] },
    schedule: { kind: 'linear', betaStart: 1e-4, betaEnd: 0.02, trainSteps: 1000, predictionType: 'v' },
    training: { recipe: 'r', data: 'd', steps: 1, wallTimeSeconds: 1, parameters: 1, config: {} },
    metrics: {},
    parity: { maxAbsError: 1e-6, tolerance: 1e-4, fp16MaxAbsError: 2e-3 },
  };
  edit(m);
  return m as unknown as Manifest;
}

const manifestError = (edit: (m: any) => void): ManifestError => {
  try {
    validateManifest(manifest(edit));
  } catch (err) {
    expect(err).toBeInstanceOf(ManifestError);
    return err as ManifestError;
  }
  throw new Error('validateManifest accepted a bad manifest');
};

describe('manifest files.<role>.variants', () => {
  it('accepts a float16 variant, and manifests without one stay valid (schema version 1, no bump)', () => {
    expect(validateManifest(manifest()).files.unet!.variants?.float16?.path).toBe('model.fp16.onnx');
    expect(MANIFEST_SCHEMA_VERSION).toBe(1);
    expect(() => validateManifest(manifest((m) => delete m.files.unet.variants))).not.toThrow();
    expect(() => validateManifest(manifest((m) => (m.files.unet.variants = {})))).not.toThrow();
  });

  it('ignores variants it does not know (a later encoding needs no bump)', () => {
    expect(() => validateManifest(manifest((m) => (m.files.unet.variants.int4 = { anything: true })))).not.toThrow();
  });

  it('names the bad field of a float16 variant', () => {
    const cases: [(m: any) => void, RegExp][] = [
      [(m) => (m.files.unet.variants = []), /'files\.unet\.variants' must be an object/],
      [(m) => (m.files.unet.variants.float16 = 'model.fp16.onnx'), /'files\.unet\.variants\.float16' must be an object/],
      [(m) => (m.files.unet.variants.float16.sha256 = 'XYZ'), /'files\.unet\.variants\.float16\.sha256' must be 64 lowercase hex/],
      [(m) => (m.files.unet.variants.float16.bytes = 0), /'files\.unet\.variants\.float16\.bytes' must be an integer >= 1/],
      [(m) => (m.files.unet.variants.float16.path = '../x.onnx'), /'files\.unet\.variants\.float16\.path' must be a file name inside the model folder/],
      [(m) => (m.files.unet.variants.float16.path = 'model.onnx'), /'files\.unet\.variants\.float16\.path' must be a file other than files\.unet\.path/],
      [(m) => (m.files.unet.weights = 'float16'), /'files\.unet\.weights' must be "float32" when the file has a float16 variant/],
    ];
    for (const [edit, message] of cases) expect(manifestError(edit).message).toMatch(message);
  });
});

describe('choosePrecision (what the runtime offers × what the model has)', () => {
  const gpuF16: PrecisionDevice = { backend: 'webgpu', shaderF16: true };
  const gpu: PrecisionDevice = { backend: 'webgpu', shaderF16: false };
  const wasm: PrecisionDevice = { backend: 'wasm', shaderF16: false };
  const cpu: PrecisionDevice = { backend: 'cpu', shaderF16: false };
  const withVariant = manifest();
  const float32Only = manifest((m) => delete m.files.unet.variants);
  const float16Only = manifest((m) => {
    delete m.files.unet.variants;
    m.files.unet.weights = 'float16';
  });

  it("'auto' takes the float16 variant only on WebGPU with shader-f16", () => {
    const table = [
      [gpuF16, withVariant, 'float16'],
      [gpu, withVariant, 'float32'],
      [wasm, withVariant, 'float32'],
      [cpu, withVariant, 'float32'],
      [gpuF16, float32Only, 'float32'],
      [wasm, float32Only, 'float32'],
      // An older --fp16 export (its only file has float16 weights) loads as it is.
      [gpuF16, float16Only, 'float16'],
      [wasm, float16Only, 'float16'],
    ] as const;
    for (const [device, m, expected] of table) expect(choosePrecision('auto', device, m).precision, `${device.backend}/${device.shaderF16}`).toBe(expected);
  });

  it('the chosen float16 file is a full entry: the variant path, hash and size, the parent inputs and outputs', () => {
    const { files } = choosePrecision('auto', gpuF16, withVariant);
    expect(files.unet).toEqual({ ...withVariant.files.unet, path: 'model.fp16.onnx', sha256: 'b'.repeat(64), bytes: 520, weights: 'float16', variants: undefined });
    expect('variants' in files.unet!).toBe(false);
    const f32 = choosePrecision('auto', wasm, withVariant).files.unet!;
    expect([f32.path, f32.weights, f32.bytes]).toEqual(['model.onnx', 'float32', 1000]);
  });

  it("'float16' and 'float32' force their file on any backend", () => {
    for (const device of [gpuF16, gpu, wasm, cpu]) {
      expect(choosePrecision('float16', device, withVariant).files.unet!.path).toBe('model.fp16.onnx');
      expect(choosePrecision('float32', device, withVariant).files.unet!.path).toBe('model.onnx');
    }
    expect(choosePrecision('float16', wasm, float16Only).precision).toBe('float16');
  });

  it("'float16' without float16 weights, or 'float32' with float16 weights only, is an InvalidInputError naming 'precision'", () => {
    const errorOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return err as InvalidInputError;
      }
      throw new Error('no error');
    };
    const a = errorOf(() => choosePrecision('float16', gpuF16, float32Only));
    expect(a).toBeInstanceOf(InvalidInputError);
    expect(a.parameter).toBe('precision');
    expect(a.message).toMatch(/'precision' is 'float16' but model 'digits' has no float16 weights .*--fp16/);
    const b = errorOf(() => choosePrecision('float32', wasm, float16Only));
    expect(b.parameter).toBe('precision');
    expect(b.message).toMatch(/files\.unet of model 'digits' stores float16 weights only/);
  });

  it('a text model: the U-Net variant is taken, the float32-only text encoder stays as it is', () => {
    const text = manifest((m) => {
      m.files.textEncoder = { ...m.files.unet, path: 'text_encoder.onnx', variants: undefined };
      delete m.files.textEncoder.variants;
    });
    const { files, precision } = choosePrecision('float16', wasm, text);
    expect(precision).toBe('float16');
    expect([files.unet!.path, files.textEncoder!.path, files.textEncoder!.weights]).toEqual(['model.fp16.onnx', 'text_encoder.onnx', 'float32']);
  });

  it("'int8' takes files.unet.variants.int8 on any backend; 'auto' never does; its fields are checked like float16's", () => {
    const withInt8 = manifest((m) => (m.files.unet.variants.int8 = { path: 'model.int8.onnx', sha256: 'c'.repeat(64), bytes: 270 }));
    for (const device of [gpuF16, wasm, cpu]) {
      const { files, precision } = choosePrecision('int8', device, withInt8);
      expect([precision, files.unet!.path, files.unet!.bytes, files.unet!.weights]).toEqual(['int8', 'model.int8.onnx', 270, 'int8']);
      expect(choosePrecision('auto', device, withInt8).precision).not.toBe('int8');
    }
    expect(() => choosePrecision('int8', wasm, withVariant)).toThrow(/'precision' is 'int8' but model 'digits' has no int8 weights .*--int8/);
    expect(manifestError((m) => (m.files.unet.variants.int8 = { path: 'model.onnx', sha256: 'c'.repeat(64), bytes: 270 })).message).toMatch(/'files\.unet\.variants\.int8\.path' must be a file other than files\.unet\.path/);
  });

  it("'int8-qdq' takes files.unet.variants['int8-qdq'] on any backend; 'auto' never does; a model without one is named with the flag", () => {
    const withQdq = manifest((m) => (m.files.unet.variants['int8-qdq'] = { path: 'model.qdq.onnx', sha256: 'd'.repeat(64), bytes: 300 }));
    for (const device of [gpuF16, wasm, cpu]) {
      const { files, precision } = choosePrecision('int8-qdq', device, withQdq);
      expect([precision, files.unet!.path, files.unet!.bytes, files.unet!.weights]).toEqual(['int8-qdq', 'model.qdq.onnx', 300, 'int8-qdq']);
      expect(choosePrecision('auto', device, withQdq).files.unet!.path).not.toBe('model.qdq.onnx');
    }
    expect(() => choosePrecision('int8-qdq', wasm, withVariant)).toThrow(/'precision' is 'int8-qdq' but model 'digits' has no int8 QDQ convolutions .*--int8-qdq/);
    expect(manifestError((m) => (m.files.unet.variants['int8-qdq'] = { path: 'model.onnx', sha256: 'd'.repeat(64), bytes: 300 })).message).toMatch(/'files\.unet\.variants\.int8-qdq\.path' must be a file other than files\.unet\.path/);
    expect(manifestError((m) => (m.parity.int8QdqMaxAbsError = -1)).message).toMatch(/parity\.int8QdqMaxAbsError/);
  });

  it('checkPrecision: undefined is auto; anything else outside the three is named', () => {
    expect(checkPrecision(undefined)).toBe('auto');
    expect(checkPrecision('float16')).toBe('float16');
    expect(() => checkPrecision('fp16')).toThrow(/'precision' must be one of 'auto', 'float32', 'float16', 'int8', 'int8-qdq', got "fp16"/);
  });
});

describe('export with --fp16, run by the Node SDK', () => {
  let fp16Dir: string;
  const scratch = mkdtempSync(join(tmpdir(), 'webgen-precision-'));

  beforeAll(async () => {
    fp16Dir = await fixtureModel('fp16');
  }, 240_000);

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('writes model.onnx (float32) and model.fp16.onnx (about half the bytes) as files.unet.variants.float16, with its parity', async () => {
    const m = await verifyModelFolder(fp16Dir); // both files' sha256 checked
    const unet = m.files.unet!;
    const half = unet.variants!.float16!;
    expect([unet.path, unet.weights, half.path]).toEqual(['model.onnx', 'float32', 'model.fp16.onnx']);
    expect(statSync(join(fp16Dir, 'model.onnx')).size).toBe(unet.bytes);
    expect(statSync(join(fp16Dir, 'model.fp16.onnx')).size).toBe(half.bytes);
    expect(half.bytes / unet.bytes).toBeLessThan(0.6);
    expect(m.parity.fp16MaxAbsError).toBeGreaterThan(0);
    expect(m.parity.fp16MaxAbsError).toBeLessThanOrEqual(1e-2);
    console.log(`fp16 fixture: model.onnx ${unet.bytes} B, model.fp16.onnx ${half.bytes} B (${((100 * half.bytes) / unet.bytes).toFixed(1)}%), parity fp16 ${m.parity.fp16MaxAbsError!.toExponential(2)}`);
  });

  it('verifyModelFolder names a corrupt variant file', async () => {
    const dir = join(scratch, 'corrupt-variant');
    cpSync(fp16Dir, dir, { recursive: true });
    const bytes = readFileSync(join(dir, 'model.fp16.onnx'));
    bytes[bytes.length - 10]! ^= 0xff;
    writeFileSync(join(dir, 'model.fp16.onnx'), bytes);
    await expect(verifyModelFolder(dir)).rejects.toThrow(/files\.unet\.variants\.float16\.sha256/);
  });

  it(`precision 'float16' generates within ${FP16_PIXEL_TOLERANCE.max} levels (mean < ${FP16_PIXEL_TOLERANCE.mean}) of 'float32', same seed; 'auto' is float32 in Node`, async () => {
    const events: ProgressEvent[] = [];
    const half = await createGenerator({ model: fp16Dir, precision: 'float16', threads: 1, onProgress: (e) => events.push(e) });
    const full = await createGenerator({ model: fp16Dir, precision: 'float32', threads: 1 });
    const auto = await createGenerator({ model: fp16Dir, threads: 1 });
    try {
      expect([half.precision, full.precision, auto.precision]).toEqual(['float16', 'float32', 'float32']);
      expect(events.filter((e) => e.status === 'download').map((e) => (e as { file: string }).file)).toEqual(['model.fp16.onnx']);
      expect(events.at(-1)).toMatchObject({ status: 'ready', precision: 'float16', total: half.manifest.files.unet!.variants!.float16!.bytes });
      const opts = { batch: 2, classLabel: [3, 7], seed: 42, steps: 10 };
      const [a, b, c] = await Promise.all([half.sample(opts), full.sample(opts), auto.sample(opts)]);
      let max = 0;
      let mean = 0;
      for (let i = 0; i < 2; i++) {
        expect(c[i]!.data).toEqual(b[i]!.data); // 'auto' is the float32 file
        max = Math.max(max, maxAbsDiff(a[i]!.data, b[i]!.data));
        mean = Math.max(mean, meanAbsDiff(a[i]!.data, b[i]!.data));
      }
      console.log(`fp16 vs fp32 (Node, 10 DDIM steps, guided): max ${max} levels, mean ${mean.toFixed(3)}`);
      expect(max).toBeLessThanOrEqual(FP16_PIXEL_TOLERANCE.max);
      expect(mean).toBeLessThan(FP16_PIXEL_TOLERANCE.mean);
      const spread = Math.max(...a[0]!.data.filter((_, i) => i % 4 === 0)) - Math.min(...a[0]!.data.filter((_, i) => i % 4 === 0));
      expect(spread).toBeGreaterThan(20); // not blank
    } finally {
      await Promise.all([half.dispose(), full.dispose(), auto.dispose()]);
    }
  }, 120_000);

  it('only the chosen file is read: a corrupt model.fp16.onnx does not stop float32, and is an IntegrityError for float16', async () => {
    const dir = join(scratch, 'corrupt-half');
    cpSync(fp16Dir, dir, { recursive: true });
    const bytes = readFileSync(join(dir, 'model.fp16.onnx'));
    bytes[bytes.length - 10]! ^= 0xff;
    writeFileSync(join(dir, 'model.fp16.onnx'), bytes);
    const g = await createGenerator({ model: dir, precision: 'float32', threads: 1 });
    await g.dispose();
    await expect(createGenerator({ model: dir, precision: 'float16', threads: 1 })).rejects.toBeInstanceOf(IntegrityError);
  });

  it("'float16' on a model without a float16 variant, and a bad value, are InvalidInputErrors naming 'precision'", async () => {
    const classDir = await fixtureModel('class');
    await expect(createGenerator({ model: classDir, precision: 'float16' })).rejects.toMatchObject({ name: 'InvalidInputError', parameter: 'precision' });
    await expect(createGenerator({ model: classDir, precision: 'half' as never })).rejects.toThrow(/'precision' must be one of 'auto', 'float32', 'float16', 'int8', 'int8-qdq', got "half"/);
  });
});
