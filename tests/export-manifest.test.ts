import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MANIFEST_SCHEMA_VERSION, validateManifest, type Manifest } from '../trainer/export/manifest.js';
import { ManifestError } from '../sdk/errors/manifest-error.js';
import { sha256File, verifyModelFolder, writeModelFolder, type ModelFolderSpec } from '../trainer/export/model-folder.js';
import { OnnxGraph } from '../trainer/export/onnx-graph.js';
import { DataError } from '../trainer/errors/data-error.js';

const dir = mkdtempSync(join(tmpdir(), 'webgen-manifest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function validManifest(): Manifest {
  return {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    name: 'shapes-ddpm-16',
    kind: 'diffusion-unet',
    createdAt: '2025-01-31T12:00:00.000Z',
    files: {
      unet: {
        path: 'unet.onnx',
        sha256: 'a'.repeat(64),
        bytes: 1234,
        inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', 3, 16, 16] }, { name: 't', dtype: 'int64', shape: ['batch'] }],
        outputs: [{ name: 'eps', dtype: 'float32', shape: ['batch', 3, 16, 16] }],
        weights: 'float16',
      },
    },
    image: { width: 16, height: 16, channels: 3, range: [-1, 1] },
    schedule: { kind: 'linear', betaStart: 1e-4, betaEnd: 0.02, trainSteps: 1000, predictionType: 'epsilon' },
    conditioning: {
      classes: ['circle', 'square'],
      tokenizer: { kind: 'word', vocab: ['<pad>', '<unk>', 'red'], maxLength: 8, padId: 0, unknownId: 1, lowercase: true },
    },
    training: { recipe: 'shapes-tiny', data: 'procedural shapes 16x16', steps: 2000, wallTimeSeconds: 600, parameters: 123456, config: { lr: 2e-4 } },
    metrics: { fid: 42.5, note: 'quick run' },
    parity: { maxAbsError: 2e-6, tolerance: 1e-4, fp16MaxAbsError: 1e-3 },
  };
}

/** Applies `edit` to a fresh valid manifest and returns the validation error message. */
function errorOf(edit: (m: Record<string, any>) => void): ManifestError {
  const m = validManifest() as unknown as Record<string, any>;
  edit(m);
  try {
    validateManifest(m);
  } catch (err) {
    expect(err).toBeInstanceOf(ManifestError);
    return err as ManifestError;
  }
  throw new Error('validateManifest accepted a bad manifest');
}

/** Makes `m` a kind 'translator' manifest with `styles` (undefined: none) and the one file under its role. */
function asTranslator(m: any, styles: { source: string; target: string } | undefined): void {
  m.kind = 'translator';
  delete m.schedule;
  m.files = { translator: m.files.unet };
  if (styles) m.translator = styles;
}

describe('validateManifest', () => {
  it('accepts a complete manifest and one without the optional sections', () => {
    expect(validateManifest(validManifest()).name).toBe('shapes-ddpm-16');
    const minimal = validManifest() as Partial<Manifest>;
    minimal.kind = 'gan-generator';
    minimal.latent = { dim: 64, distribution: 'normal' };
    delete minimal.schedule;
    delete minimal.conditioning;
    expect(() => validateManifest(minimal)).not.toThrow();
    const withDefaults = { ...validManifest(), sampling: { steps: 10, guidanceScale: 1.5, guidanceInterval: [0.3, 1] } };
    expect(validateManifest(withDefaults).sampling).toEqual({ steps: 10, guidanceScale: 1.5, guidanceInterval: [0.3, 1] });
  });

  it.each([
    ['schemaVersion', (m: any) => delete m.schemaVersion, /'schemaVersion' must be an integer >= 1, got nothing/],
    ['schemaVersion', (m: any) => (m.schemaVersion = 99), /'schemaVersion' is 99, newer .* upgrade webgen/],
    ['kind', (m: any) => (m.kind = 'unet'), /'kind' must be one of "diffusion-unet", .*got "unet"/],
    ['createdAt', (m: any) => (m.createdAt = 'yesterday'), /'createdAt' must be an ISO 8601 date/],
    ['files', (m: any) => (m.files = {}), /'files' must be at least one model file/],
    ['files.unet.sha256', (m: any) => (m.files.unet.sha256 = 'ABC'), /'files\.unet\.sha256' must be 64 lowercase hex characters, got "ABC"/],
    ['files.unet.path', (m: any) => (m.files.unet.path = '../evil.onnx'), /'files\.unet\.path' must be a file name inside the model folder/],
    ['files.unet.bytes', (m: any) => (m.files.unet.bytes = -1), /'files\.unet\.bytes' must be an integer >= 1 and <= 2147483648, got -1/],
    ['files.unet.inputs[1].dtype', (m: any) => (m.files.unet.inputs[1].dtype = 'int8'), /'files\.unet\.inputs\[1\]\.dtype' must be one of/],
    ['files.unet.outputs[0].shape', (m: any) => (m.files.unet.outputs[0].shape = ['batch', -3]), /'files\.unet\.outputs\[0\]\.shape' must be an array of dims/],
    ['files.unet.weights', (m: any) => (m.files.unet.weights = 'int8'), /'files\.unet\.weights' must be one of "float32", "float16"/],
    ['image.range', (m: any) => (m.image.range = [1, -1]), /'image\.range' must be two numbers \[low, high\] with low < high/],
    ['image.channels', (m: any) => (m.image.channels = 2), /'image\.channels' must be 1, 3 or 4, got 2/],
    ['schedule', (m: any) => delete m.schedule, /'schedule' must be a noise schedule \(required for kind "diffusion-unet"\)/],
    ['schedule.betaEnd', (m: any) => (m.schedule.betaEnd = 1e-5), /'schedule\.betaEnd' must be a number greater than betaStart/],
    ['schedule.predictionType', (m: any) => (m.schedule.predictionType = 'noise'), /'schedule\.predictionType' must be one of "epsilon", "v", "sample", got "noise"/],
    ['conditioning.tokenizer.padId', (m: any) => (m.conditioning.tokenizer.padId = 3), /'conditioning\.tokenizer\.padId' must be an integer >= 0 and <= 2, got 3/],
    ['conditioning.tokenizer.vocab', (m: any) => (m.conditioning.tokenizer.vocab = ['<pad>', '<unk>', '<unk>']), /'conditioning\.tokenizer\.vocab' must be token strings without repeats/],
    ['conditioning.tokenizer.unknownId', (m: any) => (m.conditioning.tokenizer.unknownId = 0), /'conditioning\.tokenizer\.unknownId' must be an id other than padId \(0\), got 0/],
    ['sampling.steps', (m: any) => (m.sampling = { steps: m.schedule.trainSteps + 1 }), /'sampling\.steps' must be an integer >= 1 and <= \d+/],
    ['sampling.guidanceScale', (m: any) => (m.sampling = { guidanceScale: '2' }), /'sampling\.guidanceScale' must be a finite number >= 0 and <= 50, got "2"/],
    ['sampling.guidanceInterval', (m: any) => (m.sampling = { guidanceInterval: [0.7, 0.2] }), /'sampling\.guidanceInterval' must be \[lo, hi\] with 0 ≤ lo ≤ hi ≤ 1, got \[0.7,0.2\]/],
    ['parity.byFile.vae', (m: any) => (m.parity.byFile = { unet: 1e-6, vae: 1e-6 }), /'parity\.byFile\.vae' must be a role listed in files \(unet\)/],
    ['parity.byFile.unet', (m: any) => (m.parity.byFile = { unet: -1 }), /'parity\.byFile\.unet' must be a finite number >= 0, got -1/],
    ['training.steps', (m: any) => (m.training.steps = '2000'), /'training\.steps' must be an integer >= 0, got "2000"/],
    ['metrics.fid', (m: any) => (m.metrics.fid = null), /'metrics\.fid' must be a finite number or a string, got null/],
    ['parity.maxAbsError', (m: any) => delete m.parity.maxAbsError, /'parity\.maxAbsError' must be a finite number >= 0, got nothing/],
    // kind 'translator' (issue 23): the styles, typed, and its one file
    ['translator', (m: any) => asTranslator(m, undefined), /'translator' must be the styles \{ source, target \}/],
    ['translator.source', (m: any) => asTranslator(m, { source: 'Noto Color', target: 'twemoji' }), /'translator\.source' must be a style name/],
    ['translator.target', (m: any) => asTranslator(m, { source: 'noto', target: 'noto' }), /'translator\.target' must be a style other than the source \("noto"\)/],
    ['files.translator', (m: any) => { asTranslator(m, { source: 'noto', target: 'twemoji' }); m.files = { unet: m.files.translator }; }, /'files\.translator' must be the translator model file/],
  ])('rejects a bad %s, naming it and the fix', (field, edit, message) => {
    const err = errorOf(edit);
    expect(err.field).toBe(field);
    expect(err.message).toMatch(message);
    if (!/upgrade/.test(err.message)) expect(err.message).toMatch(/re-export the model/);
  });

  it('accepts a kind translator manifest with its styles', () => {
    const m = validManifest() as unknown as Record<string, any>;
    asTranslator(m, { source: 'noto', target: 'twemoji' });
    expect(validateManifest(m).translator).toEqual({ source: 'noto', target: 'twemoji' });
  });

  it('rejects a non-object', () => {
    expect(() => validateManifest('manifest')).toThrow(/'\(root\)' must be an object/);
  });

  it('imports no node modules, so the browser SDK can reuse it', () => {
    const src = (f: string): string => readFileSync(fileURLToPath(new URL(`../trainer/export/${f}`, import.meta.url)), 'utf8');
    expect(src('manifest.ts')).not.toMatch(/from ['"](node:|fs|path|crypto)/);
  });
});

function tinyModel(): Uint8Array {
  const g = new OnnxGraph('tiny');
  const x = g.addInput('x', 'float32', ['batch', 3, 4, 4]);
  const t = g.addInput('t', 'int64', ['batch']);
  const [y] = g.node('Mul', [x, g.addInitializer('scale', new Float32Array(3).fill(2), [1, 3, 1, 1])]);
  g.addOutput(y!, 'float32', ['batch', 3, 4, 4]);
  void t;
  return g.toBytes({ weightsFp16: true });
}

function folderSpec(bytes: Uint8Array): ModelFolderSpec {
  const { files: _f, schemaVersion: _s, createdAt: _c, ...rest } = validManifest();
  return { ...rest, files: { unet: { bytes, filename: 'unet.onnx' } } };
}

describe('writeModelFolder', () => {
  it('writes the model file and a manifest with its sha256, size and declared inputs/outputs', async () => {
    const out = join(dir, 'model-a');
    const bytes = tinyModel();
    const written = await writeModelFolder(out, folderSpec(bytes));
    const onDisk = readFileSync(join(out, 'unet.onnx'));
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest).toEqual(written);
    expect(manifest.files.unet!.sha256).toBe(createHash('sha256').update(onDisk).digest('hex'));
    expect(manifest.files.unet!.sha256).toBe(await sha256File(join(out, 'unet.onnx')));
    expect(manifest.files.unet!.bytes).toBe(bytes.byteLength);
    expect(manifest.files.unet!.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: ['batch', 3, 4, 4] }, { name: 't', dtype: 'int64', shape: ['batch'] }]);
    expect(manifest.files.unet!.weights).toBe('float16');
    expect(manifest.schemaVersion).toBe(MANIFEST_SCHEMA_VERSION);
    expect(readdirSync(out).sort()).toEqual(['manifest.json', 'unet.onnx']); // no temp files left
    await expect(verifyModelFolder(out)).resolves.toEqual(manifest);
  });

  it('writes nothing when the manifest would be invalid', async () => {
    const out = join(dir, 'model-b');
    const spec = folderSpec(tinyModel());
    spec.image.width = 0;
    await expect(writeModelFolder(out, spec)).rejects.toThrow(/'image\.width' must be an integer >= 1, got 0/);
    expect(existsSync(out)).toBe(false);
  });

  it('verifyModelFolder names a corrupted file', async () => {
    const out = join(dir, 'model-c');
    await writeModelFolder(out, folderSpec(tinyModel()));
    const path = join(out, 'unet.onnx');
    const bytes = readFileSync(path);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(path, bytes);
    const err = await verifyModelFolder(out).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).message).toMatch(/unet\.onnx: sha256 [0-9a-f]{64} differs from manifest files\.unet\.sha256/);
  });
});
