/**
 * The manifest fields `webgen import` added (schedule kind 'scaled_linear', schedule.stepsOffset and setAlphaToOne,
 * files.<role>.tensorNames): good values validate and reach the schedulers' config; bad ones are a ManifestError naming
 * the field.
 */
import { describe, expect, it } from 'vitest';
import { ManifestError } from '../sdk/errors/manifest-error.js';
import { MANIFEST_SCHEMA_VERSION, type Manifest } from '../sdk/manifest/types.js';
import { validateManifest } from '../sdk/manifest/validate-manifest.js';
import { DDIMScheduler } from '../sdk/schedulers/ddim.js';
import { schedulerConfigOf } from '../sdk/schedulers/manifest-schedule.js';

/** An imported pixel U-Net's manifest: Stable Diffusion's schedule, out_sample mapped to the contract's model_output. */
function importedManifest(): Manifest {
  return {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    name: 'pixel-sd',
    kind: 'diffusion-unet',
    createdAt: '2026-12-07T12:00:00.000Z',
    files: {
      unet: {
        path: 'unet.onnx',
        sha256: 'a'.repeat(64),
        bytes: 1234,
        inputs: [{ name: 'sample', dtype: 'float32', shape: ['batch', 1, 16, 16] }, { name: 'timestep', dtype: 'float32', shape: ['batch'] }],
        outputs: [{ name: 'out_sample', dtype: 'float32', shape: ['batch', 1, 16, 16] }],
        weights: 'float32',
        tensorNames: { model_output: 'out_sample' },
      },
    },
    image: { width: 16, height: 16, channels: 1, range: [-1, 1] },
    schedule: { kind: 'scaled_linear', betaStart: 0.00085, betaEnd: 0.012, trainSteps: 1000, predictionType: 'epsilon', timestepSpacing: 'leading', clipSample: false, stepsOffset: 1, setAlphaToOne: false },
    training: { recipe: 'import', data: 'imported', steps: 0, wallTimeSeconds: 0, parameters: 0, config: {} },
    metrics: {},
    parity: { maxAbsError: 0, tolerance: 0 },
  };
}

function errorOf(edit: (m: Record<string, any>) => void): ManifestError {
  const m = importedManifest() as unknown as Record<string, any>;
  edit(m);
  try {
    validateManifest(m);
  } catch (err) {
    expect(err).toBeInstanceOf(ManifestError);
    return err as ManifestError;
  }
  throw new Error('validateManifest accepted a bad manifest');
}

describe('manifest fields of imported models', () => {
  it('accepts them, and the scheduler built from the schedule is Stable Diffusion\'s DDIM', () => {
    const m = validateManifest(importedManifest());
    const config = schedulerConfigOf(m.schedule!);
    expect(config).toMatchObject({ betaSchedule: 'scaled_linear', stepsOffset: 1, setAlphaToOne: false, clipSample: false, timestepSpacing: 'leading' });
    const s = new DDIMScheduler(config);
    // β = linspace(√β₀, √β₁, T)², so β_0 = β₀ and β_{T−1} = β₁ exactly, √β evenly spaced between.
    expect(s.betas[0]).toBeCloseTo(0.00085, 15);
    expect(s.betas[999]).toBeCloseTo(0.012, 15);
    expect(Math.sqrt(s.betas[500]!) - Math.sqrt(s.betas[499]!)).toBeCloseTo((Math.sqrt(0.012) - Math.sqrt(0.00085)) / 999, 12);
    // set_alpha_to_one false: the last step lands on ᾱ_0, not 1
    expect(s.finalAlphaCumprod).toBe(s.alphasCumprod[0]);
    s.setTimesteps(10);
    expect(Array.from(s.timesteps)).toEqual([901, 801, 701, 601, 501, 401, 301, 201, 101, 1]);
  });

  it('leaves the defaults of older manifests alone (no stepsOffset, setAlphaToOne or tensorNames)', () => {
    const m = importedManifest() as unknown as Record<string, any>;
    m.schedule = { kind: 'linear', betaStart: 1e-4, betaEnd: 0.02, trainSteps: 1000, predictionType: 'epsilon' };
    delete m.files.unet.tensorNames;
    const config = schedulerConfigOf(validateManifest(m).schedule!);
    expect(config).not.toHaveProperty('stepsOffset');
    expect(config).not.toHaveProperty('setAlphaToOne');
    expect(new DDIMScheduler(config).finalAlphaCumprod).toBe(1);
  });

  it.each([
    ['schedule.kind', (m: any) => (m.schedule.kind = 'sigmoid'), /'schedule\.kind' must be one of "linear", "cosine", "scaled_linear", got "sigmoid"/],
    ['schedule.betaEnd', (m: any) => (m.schedule.betaEnd = 0.0001), /'schedule\.betaEnd' must be a number greater than betaStart \(0\.00085\), got 0\.0001/],
    ['schedule.stepsOffset', (m: any) => (m.schedule.stepsOffset = -1), /'schedule\.stepsOffset' must be an integer >= 0 and <= 999, got -1/],
    ['schedule.stepsOffset', (m: any) => (m.schedule.stepsOffset = 1.5), /'schedule\.stepsOffset' must be an integer >= 0 and <= 999, got 1\.5/],
    ['schedule.stepsOffset', (m: any) => (m.schedule.stepsOffset = 1000), /'schedule\.stepsOffset' must be an integer >= 0 and <= 999, got 1000/],
    ['schedule.setAlphaToOne', (m: any) => (m.schedule.setAlphaToOne = 'false'), /'schedule\.setAlphaToOne' must be true or false, got "false"/],
    ['files.unet.tensorNames', (m: any) => (m.files.unet.tensorNames = ['out_sample']), /'files\.unet\.tensorNames' must be an object, got \["out_sample"\]/],
    ['files.unet.tensorNames.model_output', (m: any) => (m.files.unet.tensorNames = { model_output: '' }), /'files\.unet\.tensorNames\.model_output' must be the name this file uses for the tensor, a non-empty string, got ""/],
    ['files.unet.tensorNames.model_output', (m: any) => (m.files.unet.tensorNames = { model_output: 3 }), /'files\.unet\.tensorNames\.model_output' must be .* got 3/],
  ])('rejects a bad %s, naming it and the fix', (field, edit, message) => {
    const err = errorOf(edit);
    expect(err.field).toBe(field);
    expect(err.message).toMatch(message);
    expect(err.message).toMatch(/re-export the model/);
  });
});
