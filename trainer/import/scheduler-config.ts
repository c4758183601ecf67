/**
 * diffusers' scheduler_config.json → the manifest's schedule. Every option webgen's schedulers implement is mapped
 * (sdk/schedulers: beta schedules, prediction types, timestep spacing, steps_offset, set_alpha_to_one, clip_sample);
 * the rest are refused by name rather than silently ignored, so an imported model samples as it did in diffusers.
 */
import { readFile } from 'node:fs/promises';
import { InvalidInputError } from '../../sdk/errors/invalid-input-error.js';
import type { ManifestSchedule } from '../../sdk/manifest/types.js';
import { COSINE_MAX_BETA } from '../../sdk/schedulers/betas.js';
import { resolveSchedulerConfig } from '../../sdk/schedulers/config.js';
import { schedulerConfigOf } from '../../sdk/schedulers/manifest-schedule.js';
import { ImportError } from '../errors/import-error.js';

const BETA_KINDS: Record<string, ManifestSchedule['kind']> = { linear: 'linear', scaled_linear: 'scaled_linear', squaredcos_cap_v2: 'cosine' };
const PREDICTIONS: Record<string, ManifestSchedule['predictionType']> = { epsilon: 'epsilon', v_prediction: 'v', sample: 'sample' };
const SPACINGS = ['leading', 'trailing', 'linspace'] as const;

/** Options that change sampling and that webgen does not implement: refused when set to anything but their off value. */
const UNSUPPORTED: Record<string, unknown> = { thresholding: false, rescale_betas_zero_snr: false, trained_betas: null };

/** Reads and maps `path`; throws ImportError naming the file and the field. */
export async function readSchedulerConfig(path: string, label = path): Promise<ManifestSchedule> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new ImportError(label, 'scheduler_config.json', 'is missing', 'pass --scheduler-config FILE, or --from an Optimum export folder, which has scheduler/scheduler_config.json');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ImportError(label, '(file)', `is not JSON (${(err as Error).message})`, "save the pipeline's scheduler with scheduler.save_pretrained(dir)");
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ImportError(label, '(file)', 'is not a JSON object', "save the pipeline's scheduler with scheduler.save_pretrained(dir)");
  return scheduleOfConfig(json as Record<string, unknown>, label);
}

/** The manifest schedule of a parsed scheduler config (defaults: diffusers' DDIMScheduler's). */
export function scheduleOfConfig(c: Record<string, unknown>, label: string): ManifestSchedule {
  const refuse = (field: string, problem: string, fix: string): never => {
    throw new ImportError(label, field, problem, fix);
  };
  for (const [field, off] of Object.entries(UNSUPPORTED)) {
    if (c[field] !== undefined && c[field] !== off) refuse(field, `is ${JSON.stringify(c[field])}, which webgen's schedulers do not implement`, `retrain or re-save with ${field} = ${JSON.stringify(off)}`);
  }
  const betaSchedule = c.beta_schedule ?? 'linear';
  const kind = BETA_KINDS[String(betaSchedule)];
  if (typeof betaSchedule !== 'string' || !kind) refuse('beta_schedule', `is ${JSON.stringify(betaSchedule)}; webgen supports ${Object.keys(BETA_KINDS).map((k) => `"${k}"`).join(', ')}`, 'export a model trained with one of them');
  const prediction = c.prediction_type ?? 'epsilon';
  const predictionType = PREDICTIONS[String(prediction)];
  if (typeof prediction !== 'string' || !predictionType) refuse('prediction_type', `is ${JSON.stringify(prediction)}; webgen supports ${Object.keys(PREDICTIONS).map((k) => `"${k}"`).join(', ')}`, 'export a model trained with one of them');
  const spacing = c.timestep_spacing ?? 'leading';
  if (!SPACINGS.includes(spacing as (typeof SPACINGS)[number])) refuse('timestep_spacing', `is ${JSON.stringify(spacing)}; webgen supports ${SPACINGS.map((k) => `"${k}"`).join(', ')}`, 'set one of them in scheduler_config.json');
  if (c.clip_sample_range !== undefined && c.clip_sample_range !== 1 && c.clip_sample !== false) refuse('clip_sample_range', `is ${JSON.stringify(c.clip_sample_range)}; webgen clips x̂₀ to [−1, 1] only`, 'set clip_sample_range to 1.0 or clip_sample to false');
  const schedule: ManifestSchedule = {
    kind: kind!,
    betaStart: (c.beta_start as number | undefined) ?? 0.0001,
    // The cosine schedule has no β_T: the manifest records its cap there.
    betaEnd: kind === 'cosine' ? COSINE_MAX_BETA : ((c.beta_end as number | undefined) ?? 0.02),
    trainSteps: (c.num_train_timesteps as number | undefined) ?? 1000,
    predictionType: predictionType!,
    timestepSpacing: spacing as ManifestSchedule['timestepSpacing'],
    clipSample: (c.clip_sample as boolean | undefined) ?? true,
    stepsOffset: (c.steps_offset as number | undefined) ?? 0,
    setAlphaToOne: (c.set_alpha_to_one as boolean | undefined) ?? true,
  };
  // The schedulers' own checks (ranges, types), reported against the config's own field names.
  try {
    resolveSchedulerConfig(schedulerConfigOf(schedule));
  } catch (err) {
    if (!(err instanceof InvalidInputError)) throw err;
    const field = CONFIG_FIELDS[err.parameter.replace(/^config\./, '')] ?? err.parameter;
    refuse(field, err.message.replace(/^'[^']*' /, ''), 'correct scheduler_config.json');
  }
  return schedule;
}

/** The schedulers' option names → scheduler_config.json's. */
const CONFIG_FIELDS: Record<string, string> = {
  numTrainTimesteps: 'num_train_timesteps',
  betaStart: 'beta_start',
  betaEnd: 'beta_end',
  clipSample: 'clip_sample',
  stepsOffset: 'steps_offset',
  setAlphaToOne: 'set_alpha_to_one',
};
