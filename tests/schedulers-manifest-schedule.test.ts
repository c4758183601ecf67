// The manifest's schedule and the schedulers' config, both ways in one module: what the trainer writes is what the SDK
// reads back, down to the last ᾱ_t, for both beta schedules and all three prediction types.
import { describe, expect, it } from 'vitest';
import { DDIMScheduler } from '../sdk/schedulers/ddim.js';
import { DEFAULT_SCHEDULER_CONFIG } from '../sdk/schedulers/config.js';
import { manifestScheduleOf, schedulerConfigOf } from '../sdk/schedulers/manifest-schedule.js';
import { validateManifest } from '../sdk/manifest/validate-manifest.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../scripts/e2e/model-fixtures.js';

describe('manifest schedule ↔ scheduler config', () => {
  it('a linear schedule records diffusers\' default betas and reads back as them', () => {
    const s = manifestScheduleOf({ trainSteps: 1000, kind: 'linear', predictionType: 'epsilon' });
    expect(s).toEqual({ kind: 'linear', betaStart: 0.0001, betaEnd: 0.02, trainSteps: 1000, predictionType: 'epsilon' });
    const c = schedulerConfigOf(s);
    expect(c).toMatchObject({ numTrainTimesteps: 1000, betaSchedule: 'linear', betaStart: DEFAULT_SCHEDULER_CONFIG.betaStart, betaEnd: DEFAULT_SCHEDULER_CONFIG.betaEnd, predictionType: 'epsilon' });
    // The same ᾱ_t as a scheduler built on the defaults (what the trainer's diffusion process used to build).
    const ours = new DDIMScheduler(c).alphasCumprod;
    const plain = new DDIMScheduler({ numTrainTimesteps: 1000 }).alphasCumprod;
    expect(Array.from(ours)).toEqual(Array.from(plain));
  });

  it('cosine records its β clip as betaEnd, v maps to v_prediction, and both survive the manifest validator', () => {
    const s = manifestScheduleOf({ trainSteps: 400, kind: 'cosine', predictionType: 'v' });
    expect(s.betaEnd).toBe(0.999);
    const c = schedulerConfigOf(s);
    expect(c.betaSchedule).toBe('squaredcos_cap_v2');
    expect(c.predictionType).toBe('v_prediction');
    const plain = new DDIMScheduler({ numTrainTimesteps: 400, betaSchedule: 'squaredcos_cap_v2' }).alphasCumprod;
    expect(Array.from(new DDIMScheduler(c).alphasCumprod)).toEqual(Array.from(plain));
    expect(schedulerConfigOf({ ...s, predictionType: 'sample' }).predictionType).toBe('sample');
    const manifest = {
      schemaVersion: 1, name: 'm', kind: 'diffusion-unet', image: { width: 8, height: 8, channels: 1, range: [-1, 1] }, schedule: s,
      files: { unet: { path: 'unet.onnx', bytes: 1, sha256: 'a'.repeat(64), inputs: [], outputs: [] } },
    };
    expect(() => validateManifest(manifest)).not.toThrow(/schedule/);
  });

  it('clipSample false (latent models) survives the round trip and stops the DDIM clamp; omitted, the samplers clamp', () => {
    const s = manifestScheduleOf({ trainSteps: 1000, kind: 'linear', predictionType: 'v', clipSample: false });
    expect(s.clipSample).toBe(false);
    expect(manifestScheduleOf({ trainSteps: 1000, kind: 'linear', predictionType: 'v' })).not.toHaveProperty('clipSample');
    const free = new DDIMScheduler(schedulerConfigOf(s));
    const clamped = new DDIMScheduler(schedulerConfigOf({ ...s, clipSample: undefined }));
    for (const d of [free, clamped]) d.setTimesteps(10);
    // A v-prediction whose x_0 is 3 (a latent's tail): kept by the free scheduler, clamped to 1 by the other.
    const t = free.timesteps[0]!;
    const a = free.alphasCumprod[t]!;
    const x = new Float32Array([3 * Math.sqrt(a)]);
    const v = new Float32Array([-3 * Math.sqrt(1 - a)]); // v = √ᾱ ε − √(1−ᾱ) x_0 with ε = 0
    expect(free.step(v, t, x).predOriginalSample[0]!).toBeCloseTo(3, 4);
    expect(clamped.step(v, t, x).predOriginalSample[0]!).toBeCloseTo(1, 6);
    const shipped = JSON.parse(readFileSync(join(REPO, 'models', 'mnist-ddim', 'manifest.json'), 'utf8'));
    expect(() => validateManifest({ ...shipped, schedule: { ...shipped.schedule, clipSample: false } })).not.toThrow();
    const manifest = { ...shipped, schedule: { ...shipped.schedule, clipSample: 'no' } };
    expect(() => validateManifest(manifest)).toThrow(/schedule\.clipSample/);
  });

  it('imported schedules: scaled_linear, stepsOffset and setAlphaToOne reach the scheduler; the validator checks them and tensorNames', () => {
    const s = { kind: 'scaled_linear' as const, betaStart: 0.00085, betaEnd: 0.012, trainSteps: 1000, predictionType: 'epsilon' as const, stepsOffset: 1, setAlphaToOne: false };
    const c = schedulerConfigOf(s);
    expect(c).toMatchObject({ betaSchedule: 'scaled_linear', stepsOffset: 1, setAlphaToOne: false });
    const ddim = new DDIMScheduler(c);
    ddim.setTimesteps(10);
    expect(Array.from(ddim.timesteps)).toEqual([901, 801, 701, 601, 501, 401, 301, 201, 101, 1]);
    expect(ddim.finalAlphaCumprod).toBeCloseTo(1 - 0.00085, 12);
    const file = { path: 'unet.onnx', bytes: 1, sha256: 'a'.repeat(64), weights: 'float32', inputs: [{ name: 'sample', dtype: 'float32', shape: ['batch', 4, 8, 8] }], outputs: [{ name: 'out_sample', dtype: 'float32', shape: ['batch', 4, 8, 8] }] };
    const manifest = (schedule: unknown, tensorNames: unknown) => ({
      schemaVersion: 1, name: 'm', kind: 'diffusion-unet', createdAt: '2026-01-01T00:00:00Z', image: { width: 8, height: 8, channels: 1, range: [-1, 1] }, schedule,
      files: { unet: { ...file, tensorNames } }, training: { recipe: 'import', data: '', steps: 0, wallTimeSeconds: 0, parameters: 0, config: {} }, metrics: {}, parity: { maxAbsError: 0, tolerance: 0 },
    });
    expect(() => validateManifest(manifest(s, { model_output: 'out_sample' }))).not.toThrow();
    expect(() => validateManifest(manifest({ ...s, stepsOffset: 1000 }, undefined))).toThrow(/'schedule.stepsOffset' must be an integer >= 0 and <= 999/);
    expect(() => validateManifest(manifest({ ...s, setAlphaToOne: 'no' }, undefined))).toThrow(/'schedule.setAlphaToOne' must be true or false/);
    expect(() => validateManifest(manifest({ ...s, betaEnd: 0.0001 }, undefined))).toThrow(/'schedule.betaEnd'/);
    expect(() => validateManifest(manifest(s, { model_output: 7 }))).toThrow(/'files.unet.tensorNames.model_output'/);
  });
});
