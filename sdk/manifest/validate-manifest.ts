import { ManifestError } from '../errors/manifest-error.js';
import { isGuidanceInterval } from '../generation/guidance.js';
import { FILE_VARIANTS, MANIFEST_SCHEMA_VERSION, MAX_MODEL_FILE_BYTES, MODEL_KINDS, TENSOR_DTYPES, type Manifest } from './types.js';

/** The advice every ManifestError ends with (after "; "). */
export const MANIFEST_FIX = 're-export the model with `webgen-train export`, or correct manifest.json by hand';

/**
 * Checks that `json` (parsed manifest.json) follows the schema and returns it typed.
 * Throws a ManifestError naming the first bad field, what was expected and what was found.
 */
export function validateManifest(json: unknown): Manifest {
  const m = obj(json, '(root)');
  const version = num(m, 'schemaVersion', { integer: true, min: 1 });
  if (version > MANIFEST_SCHEMA_VERSION) {
    throw new ManifestError('schemaVersion', `is ${version}, newer than this webgen understands (${MANIFEST_SCHEMA_VERSION}); upgrade webgen`);
  }
  str(m, 'name', { nonEmpty: true });
  oneOf(m, 'kind', MODEL_KINDS);
  const createdAt = str(m, 'createdAt', { nonEmpty: true });
  if (Number.isNaN(Date.parse(createdAt))) bad('createdAt', 'an ISO 8601 date like "2025-01-31T12:00:00Z"', createdAt);

  const files = obj(m.files, 'files');
  if (Object.keys(files).length === 0) bad('files', 'at least one model file', files);
  for (const [role, value] of Object.entries(files)) checkFile(value, `files.${role}`);

  const image = obj(m.image, 'image');
  num(image, 'width', { integer: true, min: 1 }, 'image');
  num(image, 'height', { integer: true, min: 1 }, 'image');
  const channels = num(image, 'channels', { integer: true, min: 1 }, 'image');
  if (channels !== 1 && channels !== 3 && channels !== 4) bad('image.channels', '1, 3 or 4', channels);
  const range = image.range;
  if (!Array.isArray(range) || range.length !== 2 || !range.every(isFiniteNumber) || !(range[0] < range[1])) {
    bad('image.range', 'two numbers [low, high] with low < high, e.g. [-1, 1]', range);
  }

  if (m.schedule !== undefined) {
    const s = obj(m.schedule, 'schedule');
    oneOf(s, 'kind', ['linear', 'cosine', 'scaled_linear'], 'schedule');
    const b0 = num(s, 'betaStart', { min: 0, max: 1 }, 'schedule');
    const b1 = num(s, 'betaEnd', { min: 0, max: 1 }, 'schedule');
    if (s.kind !== 'cosine' && !(b0 < b1)) bad('schedule.betaEnd', `a number greater than betaStart (${b0})`, b1);
    const trainSteps = num(s, 'trainSteps', { integer: true, min: 1 }, 'schedule');
    if (s.stepsOffset !== undefined) num(s, 'stepsOffset', { integer: true, min: 0, max: trainSteps - 1 }, 'schedule');
    if (s.setAlphaToOne !== undefined && typeof s.setAlphaToOne !== 'boolean') bad('schedule.setAlphaToOne', 'true or false', s.setAlphaToOne);
    oneOf(s, 'predictionType', ['epsilon', 'v', 'sample'], 'schedule');
    if (s.timestepSpacing !== undefined) oneOf(s, 'timestepSpacing', ['leading', 'trailing', 'linspace'], 'schedule');
    if (s.clipSample !== undefined && typeof s.clipSample !== 'boolean') bad('schedule.clipSample', 'true or false', s.clipSample);
  }
  for (const kind of ['diffusion-unet', 'latent-diffusion']) if (m.kind === kind && m.schedule === undefined) bad('schedule', `a noise schedule (required for kind "${kind}")`, undefined);

  if (m.latentDiffusion !== undefined) {
    const l = obj(m.latentDiffusion, 'latentDiffusion');
    const shape = l.latentShape;
    if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((d) => Number.isInteger(d) && d >= 1)) bad('latentDiffusion.latentShape', '[channels, height, width] of positive integers', shape);
    if (!(isFiniteNumber(l.scalingFactor) && l.scalingFactor > 0)) bad('latentDiffusion.scalingFactor', 'a positive number', l.scalingFactor);
    const rows = l.previewMap;
    const c = (shape as number[])[0]!;
    const ok = Array.isArray(rows) && rows.length === image.channels && rows.every((r) => Array.isArray(r) && r.length === c + 1 && r.every(isFiniteNumber));
    if (!ok) bad('latentDiffusion.previewMap', `${String(image.channels)} rows (one per image channel) of ${c + 1} numbers (latent channels, then the offset)`, rows);
  }
  if (m.kind === 'latent-diffusion') {
    if (m.latentDiffusion === undefined) bad('latentDiffusion', 'the latent space { latentShape, scalingFactor, previewMap } (required for kind "latent-diffusion")', undefined);
    for (const role of ['unet', 'decoder']) if (!(role in files)) bad(`files.${role}`, `the ${role} model file (required for kind "latent-diffusion")`, undefined);
  }

  if (m.latent !== undefined) {
    const l = obj(m.latent, 'latent');
    num(l, 'dim', { integer: true, min: 1 }, 'latent');
    oneOf(l, 'distribution', ['normal'], 'latent');
    if (l.styleLayers !== undefined) num(l, 'styleLayers', { integer: true, min: 1 }, 'latent');
  }
  if (m.kind === 'gan-generator' && m.latent === undefined) bad('latent', 'the latent { dim, distribution } (required for kind "gan-generator")', undefined);

  if (m.autoencoder !== undefined) {
    const a = obj(m.autoencoder, 'autoencoder');
    const shape = a.latentShape;
    if (!Array.isArray(shape) || (shape.length !== 1 && shape.length !== 3) || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
      bad('autoencoder.latentShape', '[channels, height, width] or [dim] of positive integers', shape);
    }
    oneOf(a, 'quantization', ['kl', 'vq'], 'autoencoder');
    if (!(isFiniteNumber(a.scalingFactor) && a.scalingFactor > 0)) bad('autoencoder.scalingFactor', 'a positive number', a.scalingFactor);
    if (a.quantization === 'vq') {
      const c = obj(a.codebook, 'autoencoder.codebook');
      num(c, 'codes', { integer: true, min: 2 }, 'autoencoder.codebook');
      num(c, 'dim', { integer: true, min: 1 }, 'autoencoder.codebook');
    }
  }
  if (m.kind === 'autoencoder') {
    if (m.autoencoder === undefined) bad('autoencoder', 'the latent space { latentShape, quantization, scalingFactor } (required for kind "autoencoder")', undefined);
    for (const role of ['encoder', 'decoder']) if (!(role in files)) bad(`files.${role}`, `the ${role} model file (required for kind "autoencoder")`, undefined);
  }

  if (m.clip !== undefined) {
    const c = obj(m.clip, 'clip');
    num(c, 'embedDim', { integer: true, min: 1 }, 'clip');
    num(c, 'logitScale', { min: 1, max: 100 }, 'clip');
    oneOf(c, 'imageEncoder', ['vit', 'cnn'], 'clip');
  }
  if (m.kind === 'clip') {
    if (m.clip === undefined) bad('clip', 'the joint embedding { embedDim, logitScale, imageEncoder } (required for kind "clip")', undefined);
    for (const role of ['imageEncoder', 'textEncoder']) if (!(role in files)) bad(`files.${role}`, `the ${role} model file (required for kind "clip")`, undefined);
    if ((m.conditioning as Obj | undefined)?.tokenizer === undefined) bad('conditioning.tokenizer', 'the text encoder\'s tokenizer (required for kind "clip")', undefined);
  }

  if (m.translator !== undefined) {
    const t = obj(m.translator, 'translator');
    for (const side of ['source', 'target'] as const) {
      if (!(typeof t[side] === 'string' && /^[a-z0-9][a-z0-9-]{0,31}$/.test(t[side] as string))) bad(`translator.${side}`, 'a style name (lower-case letters, digits and hyphens, e.g. "noto")', t[side]);
    }
    if (t.source === t.target) bad('translator.target', `a style other than the source ("${String(t.source)}")`, t.target);
  }
  if (m.kind === 'translator') {
    if (m.translator === undefined) bad('translator', 'the styles { source, target } (required for kind "translator")', undefined);
    if (!('translator' in files)) bad('files.translator', 'the translator model file (required for kind "translator")', undefined);
  }

  if (m.sampling !== undefined) {
    const s = obj(m.sampling, 'sampling');
    const T = (m.schedule as Obj | undefined)?.trainSteps;
    if (s.steps !== undefined) num(s, 'steps', { integer: true, min: 1, ...(typeof T === 'number' && { max: T }) }, 'sampling');
    if (s.guidanceScale !== undefined) num(s, 'guidanceScale', { min: 0, max: 50 }, 'sampling');
    if (s.guidanceInterval !== undefined && !isGuidanceInterval(s.guidanceInterval)) bad('sampling.guidanceInterval', '[lo, hi] with 0 ≤ lo ≤ hi ≤ 1', s.guidanceInterval);
    if (s.supportedSteps !== undefined) {
      const ok = Array.isArray(s.supportedSteps) && s.supportedSteps.length > 0 &&
        s.supportedSteps.every((n) => Number.isInteger(n) && n >= 1 && (typeof T !== 'number' || n <= T));
      if (!ok) bad('sampling.supportedSteps', 'a non-empty array of step counts (integers in [1, schedule.trainSteps])', s.supportedSteps);
      if (s.steps !== undefined && !(s.supportedSteps as number[]).includes(s.steps as number)) bad('sampling.steps', `one of sampling.supportedSteps (${(s.supportedSteps as number[]).join(', ')})`, s.steps);
    }
    if (s.guidanceRange !== undefined) {
      const r = s.guidanceRange;
      if (!Array.isArray(r) || r.length !== 2 || !r.every(isFiniteNumber) || !(r[0] >= 0 && r[0] <= r[1] && r[1] <= 50)) {
        bad('sampling.guidanceRange', '[lo, hi] with 0 ≤ lo ≤ hi ≤ 50', r);
      }
    }
  }

  if (m.conditioning !== undefined) {
    const c = obj(m.conditioning, 'conditioning');
    if (c.classes !== undefined) {
      if (!Array.isArray(c.classes) || c.classes.length === 0 || !c.classes.every((x) => typeof x === 'string')) {
        bad('conditioning.classes', 'a non-empty array of class names', c.classes);
      }
    }
    if (c.nullClass !== undefined) num(c, 'nullClass', { integer: true, min: 0 }, 'conditioning');
    if (c.tokenizer !== undefined) {
      const t = obj(c.tokenizer, 'conditioning.tokenizer');
      const at = 'conditioning.tokenizer';
      oneOf(t, 'kind', ['word', 'char'], at);
      if (!Array.isArray(t.vocab) || t.vocab.length === 0 || !t.vocab.every((x) => typeof x === 'string')) {
        bad(`${at}.vocab`, 'a non-empty array of token strings', t.vocab);
      }
      const size = (t.vocab as string[]).length;
      if (new Set(t.vocab as string[]).size !== size) bad(`${at}.vocab`, 'token strings without repeats', t.vocab);
      num(t, 'maxLength', { integer: true, min: 1 }, at);
      num(t, 'padId', { integer: true, min: 0, max: size - 1 }, at);
      const unknownId = num(t, 'unknownId', { integer: true, min: 0, max: size - 1 }, at);
      if (unknownId === t.padId) bad(`${at}.unknownId`, `an id other than padId (${t.padId})`, unknownId);
      if (typeof t.lowercase !== 'boolean') bad(`${at}.lowercase`, 'true or false', t.lowercase);
    }
  }

  const training = obj(m.training, 'training');
  str(training, 'recipe', { nonEmpty: true }, 'training');
  str(training, 'data', {}, 'training');
  num(training, 'steps', { integer: true, min: 0 }, 'training');
  num(training, 'wallTimeSeconds', { min: 0 }, 'training');
  num(training, 'parameters', { integer: true, min: 0 }, 'training');
  obj(training.config, 'training.config');

  const metrics = obj(m.metrics, 'metrics');
  for (const [k, v] of Object.entries(metrics)) {
    if (!(isFiniteNumber(v) || typeof v === 'string')) bad(`metrics.${k}`, 'a finite number or a string', v);
  }

  const parity = obj(m.parity, 'parity');
  num(parity, 'maxAbsError', { min: 0 }, 'parity');
  num(parity, 'tolerance', { min: 0 }, 'parity');
  if (parity.fp16MaxAbsError !== undefined) num(parity, 'fp16MaxAbsError', { min: 0 }, 'parity');
  if (parity.int8MaxAbsError !== undefined) num(parity, 'int8MaxAbsError', { min: 0 }, 'parity');
  if (parity.int8QdqMaxAbsError !== undefined) num(parity, 'int8QdqMaxAbsError', { min: 0 }, 'parity');
  if (parity.byFile !== undefined) {
    const byFile = obj(parity.byFile, 'parity.byFile');
    for (const role of Object.keys(byFile)) {
      if (!(role in files)) bad(`parity.byFile.${role}`, `a role listed in files (${Object.keys(files).join(', ')})`, role);
      num(byFile, role, { min: 0 }, 'parity.byFile');
    }
  }
  return json as Manifest;
}

/** A relative file name: ASCII name characters in segments joined by '/'. */
const PLAIN_PATH = /^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;

/** path, sha256 and bytes: what a file and each of its variants have. Returns the path. */
function checkStoredFile(f: Obj, at: string): string {
  const path = str(f, 'path', { nonEmpty: true }, at);
  // Plain relative names only: the loaders also check where the path resolves (loader/model-file-url.ts), but a
  // manifest that could only be read one way is refused here, with the rule in words.
  if (!PLAIN_PATH.test(path) || path.split('/').some((s) => s === '.' || s === '..')) {
    bad(`${at}.path`, "a file name inside the model folder: letters, digits, '.', '_', '-', with '/' between folders (no '..', '%', '\\', ':', spaces, not absolute)", path);
  }
  const sha = str(f, 'sha256', {}, at);
  if (!/^[0-9a-f]{64}$/.test(sha)) bad(`${at}.sha256`, '64 lowercase hex characters', sha);
  num(f, 'bytes', { integer: true, min: 1, max: MAX_MODEL_FILE_BYTES }, at);
  return path;
}

function checkFile(value: unknown, at: string): void {
  const f = obj(value, at);
  const path = checkStoredFile(f, at);
  const weights = oneOf(f, 'weights', ['float32', 'float16'], at);
  if (f.variants !== undefined) {
    // Unknown variant names are ignored (a later encoding needs no schema bump); float16, int8 and int8-qdq are checked.
    const variants = obj(f.variants, `${at}.variants`);
    for (const name of FILE_VARIANTS) {
      if (variants[name] === undefined) continue;
      const where = `${at}.variants.${name}`;
      if (weights === 'float16') bad(`${at}.weights`, `"float32" when the file has a ${name} variant (${where})`, weights);
      const variantPath = checkStoredFile(obj(variants[name], where), where);
      if (variantPath === path) bad(`${where}.path`, `a file other than ${at}.path`, variantPath);
    }
  }
  if (f.tensorNames !== undefined) {
    const names = obj(f.tensorNames, `${at}.tensorNames`);
    for (const [k, v] of Object.entries(names)) if (typeof v !== 'string' || v === '') bad(`${at}.tensorNames.${k}`, 'the name this file uses for the tensor, a non-empty string', v);
  }
  for (const key of ['inputs', 'outputs'] as const) {
    const list = f[key];
    if (!Array.isArray(list) || list.length === 0) bad(`${at}.${key}`, 'a non-empty array of { name, dtype, shape }', list);
    (list as unknown[]).forEach((spec, i) => {
      const where = `${at}.${key}[${i}]`;
      const s = obj(spec, where);
      str(s, 'name', { nonEmpty: true }, where);
      oneOf(s, 'dtype', TENSOR_DTYPES, where);
      const shape = s.shape;
      if (!Array.isArray(shape) || !shape.every((d) => (Number.isInteger(d) && (d as number) >= 0) || (typeof d === 'string' && d !== ''))) {
        bad(`${where}.shape`, "an array of dims, each a non-negative integer or a symbolic name like 'batch'", shape);
      }
    });
  }
}

// --- small checkers: each reads one field and throws a ManifestError naming it ---

type Obj = Record<string, unknown>;

function describe(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function bad(field: string, expected: string, got: unknown): never {
  throw new ManifestError(field, `must be ${expected}, got ${describe(got)}; ${MANIFEST_FIX}`);
}

function fieldName(parent: string | undefined, key: string): string {
  return parent ? `${parent}.${key}` : key;
}

function obj(value: unknown, at: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) bad(at, 'an object', value);
  return value as Obj;
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function num(o: Obj, key: string, rule: { integer?: boolean; min?: number; max?: number }, parent?: string): number {
  const v = o[key];
  const kind = rule.integer ? 'an integer' : 'a finite number';
  const bounds = [rule.min !== undefined ? `>= ${rule.min}` : '', rule.max !== undefined ? `<= ${rule.max}` : ''].filter(Boolean).join(' and ');
  const expected = bounds ? `${kind} ${bounds}` : kind;
  if (!isFiniteNumber(v) || (rule.integer && !Number.isInteger(v)) || (rule.min !== undefined && v < rule.min) || (rule.max !== undefined && v > rule.max)) {
    bad(fieldName(parent, key), expected, v);
  }
  return v;
}

function str(o: Obj, key: string, rule: { nonEmpty?: boolean }, parent?: string): string {
  const v = o[key];
  if (typeof v !== 'string' || (rule.nonEmpty && v.trim() === '')) bad(fieldName(parent, key), rule.nonEmpty ? 'a non-empty string' : 'a string', v);
  return v;
}

function oneOf<T extends string>(o: Obj, key: string, choices: readonly T[], parent?: string): T {
  const v = o[key];
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) bad(fieldName(parent, key), `one of ${choices.map((c) => `"${c}"`).join(', ')}`, v);
  return v as T;
}
