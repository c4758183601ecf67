/** Digits (mnist-ddim): pick a digit or "any", DDIM steps and η; a grid of samples, the first one forming live. */
import { Rng, type Generator, type SampleOptions } from 'webgen';
import { h } from '../dom.js';
import { needsNoText } from '../models.js';
import { ImageGrid, paint } from '../widgets/image-grid.js';
import { choiceGrid, seedBox, selectBox, slider } from '../widgets/controls.js';
import { ModelSection, pageHeader, RunButtons, setState, StepTimer, useModelDefaults, type Page } from './common.js';

export const ANY = 'any';

/** Class picker options of a model: "any" plus its classes (0 … 9 for MNIST). */
export function classOptions(classes: readonly string[] | undefined): { value: string; label: string }[] {
  return [{ value: ANY, label: 'any' }, ...(classes ?? []).map((c, i) => ({ value: String(i), label: /^\d$/.test(c) ? c : c.length > 6 ? String(i) : c }))];
}

export const digitsPage: Page = {
  route: 'digits',
  title: 'Digits',
  mount(root, ctx) {
    const model = new ModelSection();
    const digit = choiceGrid({ legend: 'Digit', name: 'digit', options: classOptions(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']), value: ANY });
    const steps = slider({ label: 'DDIM steps', name: 'steps', min: 5, max: 100, step: 1, value: 20, hint: '5 is fast and rough, 100 slow; starts at the model\'s own default (mnist-ddim: 10, its card).' });
    const guidance = slider({ label: 'Guidance scale', name: 'guidance', min: 1, max: 4, step: 0.25, value: 2, hint: '1 is the plain conditional model; higher follows the digit harder (mnist-ddim: 1–1.5).', format: (v) => v.toFixed(2) });
    const eta = slider({ label: 'η (eta)', name: 'eta', min: 0, max: 1, step: 0.05, value: 0, hint: '0: deterministic DDIM; 1: DDPM-like fresh noise each step.', format: (v) => v.toFixed(2) });
    const count = selectBox({ label: 'Samples', name: 'count', options: ['4', '8', '16', '32'].map((v) => ({ value: v, label: v })), value: '8' });
    const seed = seedBox();
    const preview = h('canvas', { class: 'preview-canvas pixelated', width: 32, height: 32, role: 'img', 'aria-label': 'Live preview of the first sample', 'data-testid': 'preview' });
    const timer = new StepTimer();
    const grid = new ImageGrid();
    const controls = [digit, steps, guidance, eta, count, seed];
    const buttons = new RunButtons(root, 'Draw digits', (busy) => controls.forEach((c) => c.setDisabled(busy))).track(timer);
    const form = h('form', { class: 'panel', 'aria-label': 'Digit settings' }, digit.el, steps.el, guidance.el, eta.el, count.el, seed.el, buttons.el);
    root.append(
      ...pageHeader('Digits', 'A class-conditional DDIM trained on MNIST: choose a digit (or any: a random digit per image, named under it) and how many denoising steps to take.'),
      model.el,
      h('div', { class: 'page-layout' }, form, h('section', { class: 'panel', 'aria-label': 'Samples' }, h('h2', {}, 'Live preview'), preview, timer.el, h('h2', {}, 'Samples'), grid.el)),
    );
    setState(root, 'loading-model');

    let generator: Generator | null = null;
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (!generator) return;
      const g = generator;
      void buttons.run(async (signal) => {
        timer.start();
        const opts: SampleOptions = { batch: Number(count.value), steps: steps.value, eta: eta.value, seed: seed.value, signal, onStep: (info) => (paint(preview, info.preview), timer.step(info)) };
        // "any" draws a random digit per image, guided like a chosen one: the model's unconditional branch is
        // undertrained (mnist-ddim's card) and draws mostly illegible shapes, while guided draws read as the digit asked
        // for 96.7% of the time (the card's eval-classes at 10 steps). The seed picks the digits too.
        const names = g.manifest.conditioning?.classes ?? [];
        const labels = digit.value === ANY
          ? Array.from({ length: opts.batch! }, ((rng) => () => rng.int(names.length))(new Rng(seed.value ^ 0x5eed)))
          : Array.from({ length: opts.batch! }, () => Number(digit.value));
        Object.assign(opts, { classLabel: labels, guidanceScale: guidance.value });
        const images = await g.sample(opts);
        paint(preview, images[0]!);
        grid.clear();
        grid.add(images.map((image, i) => ({ image, caption: `${names[labels[i]!] ?? labels[i]} #${i + 1}` })));
        timer.done(images.length);
      });
    });

    void model.open(ctx.config.digits, needsNoText, ctx).then((g) => {
      if (!g) {
        if (root.isConnected) setState(root, 'unavailable');
        digit.setDisabled(true);
        return;
      }
      generator = g;
      useModelDefaults(g, { steps, guidance });
      digit.setOptions(classOptions(g.manifest.conditioning?.classes), ANY);
      buttons.ready();
    });

    return () => {
      buttons.stop();
      model.close();
    };
  },
};
