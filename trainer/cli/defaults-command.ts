/**
 * `webgen-train defaults`: writes a model's own sampling defaults into its manifest (`sampling`: steps, guidance
 * scale, guidance interval), the settings its card measured to work best. The SDK and `webgen sample` use them for
 * options a call leaves out. Only manifest.json changes (atomically); the ONNX files and their sha256 stay as they are.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManifestError } from '../../sdk/errors/manifest-error.js';
import { MANIFEST_FIX, validateManifest } from '../../sdk/manifest/validate-manifest.js';
import type { ManifestSampling } from '../../sdk/manifest/types.js';
import { DataError } from '../errors/data-error.js';
import { UsageError } from '../errors/usage-error.js';
import { intervalFlag, intFlag, numberFlag } from '../eval/flags.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { parseFlags } from './config-flags.js';

export const DEFAULTS_HELP = `webgen-train defaults --model DIR [--steps N] [--guidance S] [--guidance-interval LO,HI] [--clear]

Sets the sampling defaults a model ships with (manifest.json "sampling"): what the SDK, the demo and
webgen sample use when a call does not say. Give the values its card measured (eval-classes,
eval-prompts). Prints the manifest's sampling defaults after the change; with no value flags, only prints.

  --model DIR                the model folder (manifest.json)
  --steps N                  DDIM steps (1 … the model's training timesteps)
  --guidance S               classifier-free guidance scale (0 … 50)
  --guidance-interval LO,HI  where guidance applies, fractions of the training timesteps (0 <= LO <= HI <= 1)
  --clear                    remove the model's defaults (the SDK's own apply: 20 steps, guidance 2, every step)`;

const FLAG_OF: Record<string, string> = { 'sampling.steps': '--steps', 'sampling.guidanceScale': '--guidance', 'sampling.guidanceInterval': '--guidance-interval' };

export async function defaultsCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, {
    help: { type: 'boolean' },
    model: { type: 'string' },
    steps: { type: 'string' },
    guidance: { type: 'string' },
    'guidance-interval': { type: 'string' },
    clear: { type: 'boolean' },
  }, 'See webgen-train defaults --help.', { positionals: false });
  if (values.help) {
    console.log(DEFAULTS_HELP);
    return 0;
  }
  if (!values.model) throw new UsageError('defaults needs --model DIR (see webgen-train defaults --help)');
  const path = join(values.model, 'manifest.json');
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new DataError(path, `cannot read the manifest (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const manifest = validateManifest(json);
  if (manifest.kind !== 'diffusion-unet') throw new UsageError(`${values.model} is a ${manifest.kind}: sampling defaults apply to diffusion models`);
  const change: ManifestSampling = {
    ...(values.steps !== undefined && { steps: intFlag('steps', values.steps) }),
    ...(values.guidance !== undefined && { guidanceScale: numberFlag('guidance', values.guidance) }),
    ...(values['guidance-interval'] !== undefined && { guidanceInterval: intervalFlag('guidance-interval', values['guidance-interval']) }),
  };
  if (values.clear && Object.keys(change).length) throw new UsageError('--clear removes all defaults: give it alone');
  if (values.clear || Object.keys(change).length) {
    const sampling = values.clear ? undefined : { ...manifest.sampling, ...change };
    const next = { ...json, sampling };
    if (!sampling) delete next.sampling;
    try {
      validateManifest(next);
    } catch (err) {
      // The manifest's own rule, in this command's words: --steps above the training timesteps, a scale above 50.
      const flag = err instanceof ManifestError ? FLAG_OF[err.field] : undefined;
      throw flag ? new UsageError(`${flag} ${(err as ManifestError).problem.replace(`; ${MANIFEST_FIX}`, '')}`) : err;
    }
    await writeFileAtomic(path, `${JSON.stringify(next, null, 2)}\n`);
  }
  const now = validateManifest(JSON.parse(readFileSync(path, 'utf8'))).sampling;
  console.log(`${values.model}: sampling defaults ${now ? JSON.stringify(now) : 'none (the SDK defaults apply)'}`);
  return 0;
}
