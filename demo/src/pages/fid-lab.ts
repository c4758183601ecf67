/**
 * FID lab: draw N digits at several step counts and score each set against the shipped reference statistics of real
 * MNIST (FID and KID over the mnist-classifier's features); the chart shows FID falling (or not) with more steps.
 * Needs the digits model and the classifier with its reference statistics (scored by the SDK's createFidScorer in
 * its worker, fid-api.ts); each missing piece is named on the page.
 */
import type { Generator, ImageFidScorer } from 'webgen';
import { formatMs, h } from '../dom.js';
import { labScore, openLabScorer, referenceUrlOf } from '../fid-api.js';
import { checkModel, needsNoText } from '../models.js';
import { selectBox, seedBox } from '../widgets/controls.js';
import { lineChart, type Series } from '../widgets/line-chart.js';
import { ModelSection, pageHeader, RunButtons, setState, type Page } from './common.js';

const STEP_CHOICES = [5, 10, 20, 50, 100];
/** Images per sample() call: few, large calls (the per-call overhead of the worker paid once per 50 images; the SDK allows 64). */
const BATCH = 50;
/** The model card's FID at 1,000 samples and 20 steps, the figure small-sample FIDs are read against. */
const CARD_FID = 'the model card: 1.25 at 20 steps with 1,000 samples';

export const fidLabPage: Page = {
  route: 'fid',
  title: 'FID lab',
  mount(root, ctx) {
    const model = new ModelSection();
    const count = selectBox({ label: 'Samples per setting', name: 'samples', options: ['50', '100', '250', '500', '1000'].map((v) => ({ value: v, label: v })), value: '100' });
    const stepBoxes = STEP_CHOICES.map((s) => h('input', { type: 'checkbox', value: s, checked: s <= 20, name: 'fid-steps', 'aria-label': `${s} steps` }));
    const stepsField = h('fieldset', { class: 'field' }, h('legend', {}, 'DDIM steps to compare'), h('div', { class: 'choice-grid' }, ...stepBoxes.map((b) => h('label', {}, b, h('span', {}, b.value)))));
    const seed = seedBox(0);
    const status = h('p', { class: 'stats', 'aria-live': 'polite' });
    const table = h('tbody');
    const results: { steps: number; samples: number; fid: number; kid?: { value: number; std: number }; ms: number }[] = [];
    const chartBox = h('div', {});
    const drawChart = () => {
      const series: Series[] = [{ name: 'FID', color: '#3346d3', points: results.map((r) => ({ x: r.steps, y: r.fid })) }];
      chartBox.replaceChildren(lineChart({ title: 'FID against DDIM steps', xLabel: 'DDIM steps', yLabel: 'FID (lower is better)', series, empty: 'Compute to draw the chart' }));
    };
    drawChart();
    const buttons = new RunButtons(root, 'Compute FID', (busy) => [count, seed].forEach((c) => c.setDisabled(busy)));
    const readingNote = h(
      'p',
      { class: 'hint', 'data-role': 'fid-reading' },
      `Reading the numbers: FID is biased upwards at few samples, so 100 samples score several times what 1,000 do (${CARD_FID}; two sets of 1,000 real digits score about 2). Compare settings at the same sample count, not with the card. KID is unbiased: its expected value is the true distance, so when that is near zero a single estimate can come out negative (−0.001 means "indistinguishable at this sample count", not better than real); its ± is the spread over 20 subsets; read it to two digits.`,
    );
    const form = h('form', { class: 'panel', 'aria-label': 'FID settings' }, count.el, stepsField, seed.el, buttons.el, readingNote);
    root.append(
      ...pageHeader('FID lab', 'How close are generated digits to real ones? Fréchet and kernel distances between features of generated and real MNIST digits, per number of DDIM steps (digits 0–9 in turn and unguided, the way the model card measures them, at fewer samples).'),
      model.el,
      h(
        'div',
        { class: 'page-layout' },
        form,
        h(
          'section',
          { class: 'panel', 'aria-label': 'Scores' },
          h('h2', {}, 'FID against steps'),
          chartBox,
          status,
          h('table', { class: 'results' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Steps'), h('th', { scope: 'col' }, 'Samples'), h('th', { scope: 'col' }, 'FID'), h('th', { scope: 'col' }, 'KID ± std'), h('th', { scope: 'col' }, 'Time'))), table),
        ),
      ),
    );
    setState(root, 'loading-model');
    let alive = true;
    let generator: Generator | null = null;
    let scorerPromise: Promise<ImageFidScorer> | null = null;
    const referenceUrl = referenceUrlOf(ctx.config.classifier);

    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const g = generator;
      if (!g) return;
      const chosen = stepBoxes.filter((b) => b.checked).map((b) => Number(b.value));
      void buttons.run(async (signal) => {
        results.length = 0;
        table.replaceChildren();
        drawChart();
        const n = Number(count.value);
        // One scorer for the page: the extractor, onnxruntime's wasm and the reference statistics load once; each
        // setting starts from an empty generated side.
        scorerPromise ??= openLabScorer(ctx.config.classifier);
        const scorer = await scorerPromise.catch((err: unknown) => {
          scorerPromise = null;
          throw err;
        });
        for (const steps of chosen) {
          const t0 = performance.now();
          await scorer.clear('fake');
          {
            for (let done = 0; done < n; done += BATCH) {
              status.textContent = `${steps} steps: ${done} / ${n} samples`;
              const batch = Math.min(BATCH, n - done);
              // As `webgen eval fid` (the model cards' tables): a class-conditional model draws its classes in turn, unguided.
              const K = g.manifest.conditioning?.classes?.length;
              const labels = K ? { classLabel: Array.from({ length: batch }, (_, i) => (done + i) % K), guidanceScale: 1 } : {};
              const images = await g.sample({ batch, steps, seed: (seed.value + done) % 4294967296, signal, ...labels });
              await scorer.addFake(images);
            }
            status.textContent = `${steps} steps: scoring…`;
            const { fid, kid } = await labScore(scorer);
            results.push({ steps, samples: n, fid, ...(kid && { kid }), ms: performance.now() - t0 });
          }
          const r = results[results.length - 1]!;
          const kidText = r.kid === undefined ? '–' : `${r.kid.value.toFixed(4)} ± ${r.kid.std.toFixed(4)}`;
          table.append(h('tr', {}, h('td', {}, steps), h('td', {}, r.samples), h('td', {}, r.fid.toFixed(2)), h('td', {}, kidText), h('td', {}, formatMs(r.ms))));
          drawChart();
        }
        status.textContent = `Done: ${chosen.length} settings × ${n} samples. At ${n} samples FID reads high: ${CARD_FID}.`;
      });
    });

    void (async () => {
      const missing: string[] = [];
      const classifier = await checkModel(ctx.config.classifier);
      if (!classifier.ok) missing.push(`${classifier.title.toLowerCase()}`);
      const ref = await fetch(referenceUrl, { method: 'HEAD' }).then((r) => r.ok, () => false);
      if (!ref) missing.push(`the reference statistics ${new URL(referenceUrl, location.href).pathname} are missing`);
      if (!alive) return;
      if (missing.length) {
        model.notices.show('warning', 'The FID lab cannot run here yet', `Missing: ${missing.join('; ')}.`, 'fid');
        status.textContent = 'FID after training (from the command line): npx webgen fid (see docs/fid.md).';
      }
      const g = await model.open(ctx.config.digits, needsNoText, ctx);
      if (!alive) return;
      generator = g;
      if (!g || missing.length) {
        setState(root, 'unavailable');
        return;
      }
      buttons.ready();
    })();

    return () => {
      alive = false;
      buttons.stop();
      model.close();
      void scorerPromise?.then((s) => s.dispose(), () => undefined);
    };
  },
};
