/**
 * One table of several translators of the same direction (pix2pix beside CycleGAN): each one's held-out figures
 * (eval.json, from `webgen-train eval-translator --card`) with its steps and training time (manifest.json), so the
 * objectives compare on the same held-out concepts, judge and measures.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors/usage-error.js';
import type { TranslatorEvaluation } from './eval-translator.js';

/** A translator's row: its name, how it was trained, and its held-out evaluation. */
export interface ComparedTranslator {
  name: string;
  recipe: string;
  steps: number;
  seconds: number;
  evaluation: TranslatorEvaluation;
}

/** Reads DIR/manifest.json and DIR/eval.json; UsageError when the folder has no evaluation yet. */
export function readComparedTranslator(dir: string): ComparedTranslator {
  const manifestPath = join(dir, 'manifest.json');
  const evalPath = join(dir, 'eval.json');
  if (!existsSync(manifestPath)) throw new UsageError(`--compare ${dir}: no manifest.json there (a translator folder, e.g. models/emoji-pix2pix)`);
  if (!existsSync(evalPath)) throw new UsageError(`--compare ${dir}: no eval.json yet; run webgen-train eval-translator --model ${dir} --card first`);
  const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as { name: string; kind: string; training?: { recipe: string; steps: number; wallTimeSeconds: number } };
  if (m.kind !== 'translator') throw new UsageError(`--compare ${dir}: its manifest kind is '${m.kind}', not 'translator'`);
  const evaluation = JSON.parse(readFileSync(evalPath, 'utf8')) as TranslatorEvaluation;
  return { name: m.name, recipe: m.training?.recipe ?? '-', steps: m.training?.steps ?? 0, seconds: m.training?.wallTimeSeconds ?? 0, evaluation };
}

/** The comparison table; every row must translate the same direction (UsageError otherwise). */
export function formatTranslatorComparison(rows: readonly ComparedTranslator[]): string {
  const first = rows[0]!.evaluation;
  for (const r of rows) {
    if (r.evaluation.source !== first.source || r.evaluation.target !== first.target) {
      throw new UsageError(`--compare: ${r.name} translates ${r.evaluation.source} → ${r.evaluation.target}, the model ${first.source} → ${first.target}; compare one direction`);
    }
  }
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const line = (r: ComparedTranslator) => {
    const s = r.evaluation.translated;
    const cycle = r.evaluation.cycle ? r.evaluation.cycle.l1.toFixed(4) : '-';
    return `| ${r.name} | \`${r.recipe}\` | ${r.steps.toLocaleString('en-US')} | ${(r.seconds / 3600).toFixed(2)} | ${s.l1.toFixed(4)} | ${s.psnr.toFixed(2)} | ${pct(s.style)} | ${pct(s.subcategory)} | ${s.fid.toFixed(1)} | ${cycle} |`;
  };
  const u = first.unchanged;
  return [
    `| ${first.source} → ${first.target} | recipe | steps | training h | L1 to the true ${first.target} | PSNR (dB) | judge: ${first.target} style | judge: subcategory kept | FID vs true ${first.target} | cycle L1 |`,
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(line),
    `| ${first.source} left as it is | - | - | - | ${u.l1.toFixed(4)} | ${u.psnr.toFixed(2)} | ${pct(u.style)} | ${pct(u.subcategory)} | ${u.fid.toFixed(1)} | - |`,
    '',
    `FID floor (the true ${first.target} pictures' halves): ${first.fidFloor.toFixed(1)}. Cycle L1 where the model was evaluated with its --back translator.`,
  ].join('\n');
}
