/** img2img: draw or upload a picture, choose how much to change it (strength) and what it should become; before/after side by side. */
import type { Generator, Img2ImgOptions } from 'webgen';
import { h } from '../dom.js';
import { isGenerator } from '../models.js';
import { DrawingPad } from '../widgets/drawing-pad.js';
import { paint } from '../widgets/image-grid.js';
import { seedBox, selectBox, slider, textBox } from '../widgets/controls.js';
import { ModelSection, pageHeader, RunButtons, setState, StepTimer, useModelDefaults, type Page } from './common.js';
import { examplePrompts } from './text-to-image.js';

export const img2imgPage: Page = {
  route: 'img2img',
  title: 'img2img',
  mount(root, ctx) {
    const model = new ModelSection();
    const pad = new DrawingPad(256);
    const prompt = textBox({ label: 'Prompt', name: 'prompt', value: '', placeholder: 'a blue star', hint: 'What the picture should become.' });
    const classPick = selectBox({ label: 'Class', name: 'class', options: [], value: '' });
    classPick.el.hidden = true;
    const strength = slider({ label: 'Strength', name: 'strength', min: 0, max: 1, step: 0.05, value: 0.6, hint: '0 keeps your picture, 1 ignores it.', format: (v) => v.toFixed(2) });
    const steps = slider({ label: 'Steps', name: 'steps', min: 1, max: 100, step: 1, value: 20 });
    const guidance = slider({ label: 'Guidance scale', name: 'guidance', min: 1, max: 8, step: 0.5, value: 2 });
    const seed = seedBox();
    const before = h('canvas', { class: 'pixelated', width: 32, height: 32, role: 'img', 'aria-label': 'Before: your picture as the model sees it', 'data-testid': 'before' });
    const after = h('canvas', { class: 'pixelated', width: 32, height: 32, role: 'img', 'aria-label': 'After: the redrawn picture', 'data-testid': 'after' });
    const timer = new StepTimer();
    const controls = [prompt, classPick, strength, steps, guidance, seed];
    const buttons = new RunButtons(root, 'Redraw', (busy) => controls.forEach((c) => c.setDisabled(busy))).track(timer);
    const form = h('form', { class: 'panel', 'aria-label': 'img2img settings' }, h('h2', {}, 'Your picture'), pad.el, prompt.el, classPick.el, strength.el, steps.el, guidance.el, seed.el, buttons.el);
    root.append(
      ...pageHeader('img2img', 'Start from a drawing or a photo: the model noises it by the strength, then draws it back towards the prompt.'),
      model.el,
      h(
        'div',
        { class: 'page-layout' },
        form,
        h('section', { class: 'panel', 'aria-label': 'Before and after' }, h('div', { class: 'before-after' }, h('figure', {}, before, h('figcaption', {}, 'Before')), h('figure', {}, after, h('figcaption', {}, 'After'))), timer.el),
      ),
    );
    pad.onUploadError((message) => model.notices.show('error', 'That file is not a picture', message, 'upload'));
    pad.onChange(() => model.notices.clear('upload'));
    setState(root, 'loading-model');

    let size = { width: 32, height: 32 };
    /** The pad scaled to the model's size: what the model starts from. */
    const showBefore = () => {
      before.width = size.width;
      before.height = size.height;
      const c = before.getContext('2d')!;
      c.imageSmoothingQuality = 'high';
      c.drawImage(pad.canvas, 0, 0, size.width, size.height);
    };
    pad.onChange(showBefore);
    showBefore();

    let generator: Generator | null = null;
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (!generator) return;
      const g = generator;
      const text = Boolean(g.manifest.conditioning?.tokenizer);
      void buttons.run(async (signal) => {
        timer.start();
        const opts: Img2ImgOptions = { image: pad.canvas, strength: strength.value, steps: steps.value, guidanceScale: guidance.value, seed: seed.value, signal, onStep: (info) => (paint(after, info.preview), timer.step(info)) };
        if (text) opts.prompt = prompt.value.trim();
        else if (classPick.value !== '') opts.classLabel = Number(classPick.value);
        const image = await g.img2img(opts);
        paint(after, image);
        timer.done(1);
      });
    });

    void model.open(ctx.config.t2i, isGenerator, ctx).then((g) => {
      if (!g) {
        if (root.isConnected) setState(root, 'unavailable');
        return;
      }
      generator = g;
      useModelDefaults(g, { steps, guidance });
      size = { width: g.manifest.image.width, height: g.manifest.image.height };
      showBefore();
      const classes = g.manifest.conditioning?.classes;
      if (g.manifest.conditioning?.tokenizer) {
        if (!prompt.value) prompt.value = examplePrompts(g.manifest)[1] ?? examplePrompts(g.manifest)[0] ?? '';
      } else {
        prompt.el.hidden = true;
        if (classes?.length) {
          classPick.select.replaceChildren(h('option', { value: '' }, 'any (unconditional)'), ...classes.map((c, i) => h('option', { value: i }, c)));
          classPick.el.hidden = false;
        }
      }
      buttons.ready();
    });

    return () => {
      buttons.stop();
      model.close();
    };
  },
};
