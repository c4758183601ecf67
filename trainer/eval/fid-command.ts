/**
 * `webgen fid PATH_A PATH_B`: FID (and KID) between two sets, like pytorch-fid's command line. Each path
 * is a folder of images, a .npy feature matrix [N, d] (float32/float64) or .fidstats statistics.
 * `webgen fid --save-stats PATH OUT.fidstats` writes a path's statistics for later comparisons.
 */
import type { FeatureExtractor } from '../../sdk/fid/extractor.js';
import { MAX_KID_SAMPLES, MAX_KID_SUBSETS } from '../../sdk/fid/kid-limits.js';
import { FidScorer } from '../../sdk/fid/scorer.js';
import { UsageError } from '../errors/usage-error.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { feedInput, loadExtractor, openFidInput, type FidInput, type FidSink } from './fid-inputs.js';
import { inceptionScore } from '../../sdk/fid/inception-score.js';
import type { ImageBatch } from '../../sdk/fid/extractor.js';
import { parseFlags } from '../cli/config-flags.js';
import { intFlag } from './flags.js';

export const FID_HELP = `webgen fid PATH_A PATH_B [options]
webgen fid --save-stats PATH OUT.fidstats [options]
webgen fid --is PATH --extractor M [--splits N]

Fréchet distance (FID, as pytorch-fid computes it) between two sets of images or features; prints
the score on the last line. Each PATH is
  a folder of .png/.jpg images    features from --extractor (all images its input size)
  a .npy file                     a feature matrix [N, d], float32 or float64 (e.g. pytorch-fid features)
  a .fidstats file                statistics saved by --save-stats or FidScorer.saveStats()
  a .npz file                     pytorch-fid's saved statistics (--save-stats: mu, sigma)
  data:SPEC[@START:END[:STEP]]    a webgen-train data set (data:mnist, data:shapes:5000…) or a slice of it,
                                  at the extractor's input size (data:mnist@0:10000:2 = even indices)

  --extractor M        model folder (manifest.json + model.onnx, e.g. models/mnist-classifier) or .onnx file
  --output NAME        the extractor output holding the features (default 'features', else the last output)
  --inception          pytorch-fid's InceptionV3 preprocessing: bilinear resize to 299x299, [-1, 1]; for an
                       ONNX export of pytorch-fid's FID Inception (pool3, 2048-d). Images may be any size.
  --input-shape C,H,W  input size of a .onnx extractor whose shape is symbolic
  --kid                also KID (clean-fid: unbiased MMD², cubic kernel), mean ± std over subsets
  --kid-subsets N      subsets (default 100, at most ${MAX_KID_SUBSETS.toLocaleString('en-US')})
  --kid-subset-size N  largest subset (default 1000, at most --kid-samples)
  --kid-samples N      features kept per set for KID (default 10000, at most ${MAX_KID_SAMPLES.toLocaleString('en-US')})
  --seed N             seed of the KID subsets (default 0, at most 4294967295)
  --save-stats         write PATH's statistics to OUT.fidstats instead of comparing
  --is                 the Inception Score of PATH's images instead: exp(E KL(p(y|x) ‖ p(y))), mean ± std over
                       --splits consecutive parts (default 10), from the extractor's 'logits' (or --output)
  --splits N           parts of the Inception Score (default 10)
  --json FILE          write the result as JSON`;

export async function fidCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    console.log(FID_HELP);
    return 0;
  }
  if (values.is) return isCommand(positionals, values);
  if (positionals.length !== 2) throw new UsageError(`webgen fid needs two paths, got ${positionals.length} (see webgen fid --help)`);
  const kidSamples = intFlag('kid-samples', values['kid-samples'] ?? '10000', 0, MAX_KID_SAMPLES);
  const kidSubsets = intFlag('kid-subsets', values['kid-subsets'] ?? '100', 1, MAX_KID_SUBSETS);
  // a subset never holds more than the kept samples, so a larger size would only read as more than it does
  const kidSubsetSize = intFlag('kid-subset-size', values['kid-subset-size'] ?? '1000', 2, MAX_KID_SAMPLES);
  const seed = intFlag('seed', values.seed ?? '0', 0, 2 ** 32 - 1);
  const inputShape = values['input-shape'] ? shapeFlag(values['input-shape']) : undefined;

  const t0 = performance.now();
  const inputs = values['save-stats'] ? [await openFidInput(positionals[0]!)] : await Promise.all(positionals.map(openFidInput));
  let ext: Awaited<ReturnType<typeof loadExtractor>> | undefined;
  if (values.extractor) {
    ext = await loadExtractor({ path: values.extractor, ...(values.output && { outputName: values.output }), preprocess: values.inception ? 'inception' : 'none', ...(inputShape && { inputShape }) });
  } else if (inputs.some((i) => i.kind === 'images' || i.kind === 'dataset')) {
    throw new UsageError(`${inputs.find((i) => i.kind === 'images' || i.kind === 'dataset')!.path} holds images: pass --extractor (a model folder such as models/mnist-classifier, or a .onnx file)`);
  }
  const extractor = ext?.extractor ?? featuresOnly(inputs);
  const scorer = await FidScorer.create({ extractor, kidSamples: values.kid || values['save-stats'] ? kidSamples : 0, seed });
  try {
    const sides = ['real', 'fake'] as const;
    for (const [i, input] of inputs.entries()) {
      const n = await feedInput(scorer, sides[i]!, input, ext?.inputShape, { anySize: !!values.inception });
      const what = input.kind === 'images' || input.kind === 'dataset' ? 'images' : input.kind === 'npy' ? 'feature vectors' : 'samples (saved statistics)';
      console.log(`${input.path}: ${Number.isFinite(n) ? `${n} ${what}` : 'saved statistics (sample count not recorded)'}`);
    }
    if (values['save-stats']) {
      const out = positionals[1]!;
      await writeFileAtomic(out, scorer.saveStats('real', `webgen fid --save-stats ${positionals[0]}`));
      console.log(`statistics of ${scorer.counts.real} samples (dim ${scorer.stats('real').dim}) written to ${out}`);
      return 0;
    }
    const fid = await scorer.fid();
    if (fid.note) console.log(`note: ${fid.note}`);
    let kid;
    if (values.kid) {
      kid = await scorer.kid({ subsets: kidSubsets, subsetSize: kidSubsetSize, seed });
      console.log(`KID: ${kid.kid.toPrecision(6)} ± ${kid.std.toPrecision(3)} (${kid.subsets} subsets of ${kid.subsetSize})`);
    }
    const seconds = (performance.now() - t0) / 1000;
    if (values.json) {
      const { fid: f, meanTerm, traces, traceSqrtProduct, dim, rank, singular, offset, note } = fid;
      await writeFileAtomic(
        values.json,
        `${JSON.stringify({ a: positionals[0], b: positionals[1], counts: [scorer.counts.real, scorer.counts.fake], extractor: extractor.name, fid: f, meanTerm, traces, traceSqrtProduct, dim, rank, singular, offset, note, ...(kid && { kid: { mean: kid.kid, std: kid.std, subsets: kid.subsets, subsetSize: kid.subsetSize } }), seconds }, null, 2)}\n`,
      );
    }
    console.log(`FID: ${fid.fid}`);
    return 0;
  } finally {
    await ext?.release();
  }
}

/** `webgen fid --is PATH --extractor M`: the Inception Score of one set of images with a classifier's logits. */
async function isCommand(positionals: string[], values: ReturnType<typeof parse>['values']): Promise<number> {
  if (positionals.length !== 1) throw new UsageError(`webgen fid --is takes one path of images, got ${positionals.length} (see webgen fid --help)`);
  if (!values.extractor) throw new UsageError('webgen fid --is needs --extractor: a classifier folder (e.g. models/mnist-classifier) whose logits it reads');
  const splits = intFlag('splits', values.splits ?? '10', 1);
  const input = await openFidInput(positionals[0]!);
  if (input.kind !== 'images' && input.kind !== 'dataset') throw new UsageError(`${input.path}: the Inception Score needs images (a folder or data:SPEC), not features or statistics`);
  const inputShape = values['input-shape'] ? shapeFlag(values['input-shape']) : undefined;
  const ext = await loadExtractor({ path: values.extractor, outputName: values.output ?? 'logits', preprocess: values.inception ? 'inception' : 'none', ...(inputShape && { inputShape }) });
  try {
    const rows: Float32Array[] = [];
    let k = 0;
    let count = 0;
    const collect = async (batch: ImageBatch) => {
      const out = await ext.extractor.extract(batch);
      k = out.length / batch.shape[0];
      rows.push(out);
      return (count += batch.shape[0]);
    };
    const sink: FidSink = {
      addReal: collect,
      addFake: collect,
      addFeatures: () => Promise.reject(new UsageError('the Inception Score needs images')),
      loadStats: () => {
        throw new UsageError('the Inception Score needs images');
      },
    };
    const n = await feedInput(sink, 'real', input, ext.inputShape, { anySize: !!values.inception });
    const all = new Float32Array(n * k);
    let o = 0;
    for (const r of rows) {
      all.set(r, o);
      o += r.length;
    }
    const r = inceptionScore(all, n, k, { splits });
    console.log(`${input.path}: ${n} images, ${k} classes (${ext.extractor.name})`);
    if (values.json) await writeFileAtomic(values.json, `${JSON.stringify({ path: input.path, images: n, classes: k, extractor: ext.extractor.name, ...r }, null, 2)}\n`);
    console.log(`IS: ${r.mean.toFixed(4)} ± ${r.std.toFixed(4)} (${r.splits.length} splits)`);
    return 0;
  } finally {
    await ext.release();
  }
}

/** A stand-in extractor when both inputs are features or statistics: its name is the statistics' extractor, so they compare. */
function featuresOnly(inputs: FidInput[]): FeatureExtractor {
  const named = inputs.find((i): i is Extract<FidInput, { kind: 'stats' }> => i.kind === 'stats' && !!i.stats.extractor);
  return {
    name: named?.stats.extractor ?? 'features',
    extract: () => Promise.reject(new UsageError('no --extractor given')),
    get dim() {
      return undefined;
    },
  };
}

function parse(argv: string[]) {
  return parseFlags(argv, {
    help: { type: 'boolean' },
    extractor: { type: 'string' },
    output: { type: 'string' },
    inception: { type: 'boolean' },
    'input-shape': { type: 'string' },
    kid: { type: 'boolean' },
    'kid-subsets': { type: 'string' },
    'kid-subset-size': { type: 'string' },
    'kid-samples': { type: 'string' },
    seed: { type: 'string' },
    'save-stats': { type: 'boolean' },
    is: { type: 'boolean' },
    splits: { type: 'string' },
    json: { type: 'string' },
  }, 'See webgen fid --help.');
}

function shapeFlag(raw: string): [number, number, number] {
  const parts = raw.split(',');
  if (parts.length !== 3 || !parts.every((p) => /^\d+$/.test(p.trim()) && Number(p) > 0)) throw new UsageError(`--input-shape must be C,H,W (three positive integers), got '${raw}'`);
  return parts.map(Number) as [number, number, number];
}
