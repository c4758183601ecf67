// Bad `webgen import`s are typed errors (ImportError) naming the file, the field and the fix: a missing
// scheduler_config.json, tensor names the ONNX file lacks, a beta schedule or prediction type webgen does not
// implement, shapes that disagree between files, a BPE tokenizer. Nothing is written when the import fails.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportError } from '../trainer/errors/import-error.js';
import { encodeOnnxModel, readOnnxModel } from '../trainer/export/onnx-proto.js';
import { importModel, type ImportOptions } from '../trainer/import/import-model.js';
import { IMPORT_FIXTURES } from './helpers/import-fixtures.js';
import { runWebgen } from './helpers/run-cli.js';

const PIXEL = join(IMPORT_FIXTURES, 'pixel');
const LATENT = join(IMPORT_FIXTURES, 'latent');
let dir: string;
let out: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'webgen-import-errors-'));
  out = join(dir, 'out');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pixel = (o: Partial<ImportOptions> = {}): ImportOptions => ({
  unet: join(PIXEL, 'unet', 'model.onnx'),
  schedulerConfig: join(PIXEL, 'scheduler', 'scheduler_config.json'),
  classes: ['zero', 'one', 'two'],
  out,
  ...o,
});

/** The pixel fixture's scheduler config with `patch` applied, written to a temp file. */
function config(patch: Record<string, unknown>): string {
  const c = { ...JSON.parse(readFileSync(join(PIXEL, 'scheduler', 'scheduler_config.json'), 'utf8')), ...patch };
  const path = join(dir, `scheduler-${Object.keys(patch).join('-')}.json`);
  writeFileSync(path, JSON.stringify(c));
  return path;
}

/** The pixel U-Net with graph input `from` renamed `to` (only the declared input: the import reads declarations). */
function renamedInput(from: string, to: string): string {
  const model = readOnnxModel(new Uint8Array(readFileSync(join(PIXEL, 'unet', 'model.onnx'))));
  for (const v of model.graph!.input ?? []) if (v.name === from) v.name = to;
  const path = join(dir, `unet-${to}.onnx`);
  writeFileSync(path, encodeOnnxModel(model));
  return path;
}

async function importError(o: ImportOptions): Promise<ImportError> {
  const err = await importModel(o).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ImportError);
  expect(existsSync(join(o.out, 'manifest.json'))).toBe(false);
  return err as ImportError;
}

describe('webgen import refuses', () => {
  it('a missing scheduler_config.json, naming it and where Optimum puts it', async () => {
    const e = await importError(pixel({ schedulerConfig: join(dir, 'nowhere', 'scheduler_config.json') }));
    expect(e.field).toBe('scheduler_config.json');
    expect(e.message).toContain('is missing');
    expect(e.message).toContain('--scheduler-config FILE');
  });

  it('an unsupported beta_schedule, listing the supported ones', async () => {
    const path = config({ beta_schedule: 'sigmoid' });
    const e = await importError(pixel({ schedulerConfig: path }));
    expect(e.file).toBe(path);
    expect(e.field).toBe('beta_schedule');
    expect(e.message).toContain('"sigmoid"');
    expect(e.message).toContain('"scaled_linear"');
  });

  it('an unsupported prediction_type', async () => {
    const e = await importError(pixel({ schedulerConfig: config({ prediction_type: 'flow' }) }));
    expect(e.field).toBe('prediction_type');
    expect(e.message).toMatch(/"flow".*"epsilon", "v_prediction", "sample"/);
  });

  it('thresholding and an out-of-range steps_offset, in scheduler_config.json\'s own field names', async () => {
    expect((await importError(pixel({ schedulerConfig: config({ thresholding: true }) }))).field).toBe('thresholding');
    const e = await importError(pixel({ schedulerConfig: config({ steps_offset: 1000 }) }));
    expect(e.field).toBe('steps_offset');
    expect(e.message).toContain('[0, 999]');
  });

  it('a U-Net without a timestep input (wrong tensor name), naming the file and the names it has', async () => {
    const unet = renamedInput('timestep', 't');
    const e = await importError(pixel({ unet }));
    expect(e.file).toBe(unet);
    expect(e.field).toBe('inputs.timestep');
    expect(e.message).toContain('sample, t, class_labels');
    expect(e.message).toContain('input_names');
  });

  it('a U-Net input webgen does not feed', async () => {
    const e = await importError(pixel({ unet: renamedInput('class_labels', 'added_cond_kwargs') }));
    expect(e.field).toBe('inputs.added_cond_kwargs');
  });

  it('class_labels without --classes, and --classes without class_labels', async () => {
    expect((await importError(pixel({ classes: undefined }))).message).toContain('--classes');
    const e = await importError({ unet: join(LATENT, 'unet', 'model.onnx'), schedulerConfig: join(LATENT, 'scheduler', 'scheduler_config.json'), classes: ['a'], out });
    expect(e.field).toBe('inputs.class_labels');
  });

  it('a VAE decoder whose latent shape does not match the U-Net sample', async () => {
    const vae = join(LATENT, 'vae_decoder', 'model.onnx');
    const e = await importError(pixel({ vaeDecoder: vae, scalingFactor: 0.18 }));
    expect(e.file).toBe(vae);
    expect(e.field).toBe('inputs.latent_sample.shape');
    expect(e.message).toContain('"batch",4,8,8');
    expect(e.message).toContain('[batch, 1, 16, 16]');
  });

  it('a VAE decoder without a scaling factor', async () => {
    const e = await importError({ unet: join(LATENT, 'unet', 'model.onnx'), schedulerConfig: join(LATENT, 'scheduler', 'scheduler_config.json'), textEncoder: join(LATENT, 'text_encoder', 'model.onnx'), tokenizer: join(LATENT, 'tokenizer'), vaeDecoder: join(LATENT, 'vae_decoder', 'model.onnx'), out });
    expect(e.field).toBe('scaling_factor');
  });

  it('a CLIP BPE tokenizer, with the refusal docs/import.md quotes', async () => {
    const tok = join(dir, 'clip-tokenizer');
    mkdirSync(tok, { recursive: true });
    writeFileSync(join(tok, 'merges.txt'), '#version: 0.2\n');
    copyFileSync(join(LATENT, 'tokenizer', 'vocab.txt'), join(tok, 'vocab.txt'));
    const e = await importError({ unet: join(LATENT, 'unet', 'model.onnx'), schedulerConfig: join(LATENT, 'scheduler', 'scheduler_config.json'), textEncoder: join(LATENT, 'text_encoder', 'model.onnx'), tokenizer: tok, vaeDecoder: join(LATENT, 'vae_decoder', 'model.onnx'), scalingFactor: 0.18215, out });
    expect(e.message).toContain("is a byte-pair (BPE) tokenizer, such as CLIP's, which webgen does not implement yet");
  });

  it('on the command line: one line on stderr naming the file and field, exit code 1', async () => {
    const r = await runWebgen(['import', '--unet', join(PIXEL, 'unet', 'model.onnx'), '--scheduler-config', config({ beta_schedule: 'sigmoid' }), '--classes', 'a,b,c', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/scheduler-beta_schedule\.json: 'beta_schedule' is "sigmoid"/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const usage = await runWebgen(['import', '--from', PIXEL]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--out DIR is required');
  });
});
