/**
 * Restyle: an image-to-image translator (manifest kind 'translator', pix2pix; createTranslator in the SDK's worker)
 * redraws a picture from one emoji style in the other (Noto → Twemoji). Draw, upload or pick a picture and see it
 * beside its translation. The model picker offers every model of the demo's list (config.ts MODELS, or ?translator=)
 * whose manifest says 'translator'.
 */
import { createTranslator, type Translator } from 'webgen';
import { wasmThreads } from '../config.js';
import { h } from '../dom.js';
import { checkModel } from '../models.js';
import { showBackend } from '../widgets/backend-badge.js';
import { selectBox } from '../widgets/controls.js';
import { paint } from '../widgets/image-grid.js';
import { PicturePicker, SAMPLES } from '../widgets/picture-picker.js';
import { drawCover } from '../widgets/draw-cover.js';
import { ModelSection, pageHeader, RunButtons, setState, type Page } from './common.js';

const TRANSLATOR_WORDS = { noun: 'translator', a: 'a translator', plural: 'translators', example: 'emoji-pix2pix', query: 'translator', train: 'webgen-train translator emoji-pix2pix --export models/emoji-pix2pix' };

export const restylePage: Page = {
  route: 'restyle',
  title: 'Restyle',
  mount(root, ctx) {
    const model = new ModelSection();
    const which = selectBox({ label: 'Translator', name: 'translator-model', options: [], value: '' });
    const picker = new PicturePicker(model.notices);
    const original = h('canvas', { class: 'pixelated', width: 64, height: 64, role: 'img', 'aria-label': 'Your picture as the model sees it', 'data-testid': 'original' });
    const result = h('canvas', { class: 'pixelated', width: 64, height: 64, role: 'img', 'aria-label': 'Your picture in the other style', 'data-testid': 'restyled' });
    const originalCaption = h('figcaption', {}, 'Your picture');
    const resultCaption = h('figcaption', {}, 'Restyled');
    const stats = h('p', { class: 'stats', 'data-testid': 'restyle-stats' });
    const buttons = new RunButtons(root, 'Restyle', (busy) => which.setDisabled(busy || which.select.options.length < 2));
    const form = h('form', { class: 'panel', 'aria-label': 'Restyle' }, h('h2', {}, 'Your picture'), which.el, ...picker.el, buttons.el);
    root.append(
      ...pageHeader('Restyle', 'The same emoji, drawn by another hand: a pix2pix translator redraws your picture in the other emoji style.'),
      model.el,
      h(
        'div',
        { class: 'page-layout' },
        form,
        h('section', { class: 'panel', 'aria-label': 'Picture and translation' }, h('div', { class: 'before-after' }, h('figure', {}, original, originalCaption), h('figure', {}, result, resultCaption)), stats),
      ),
    );
    setState(root, 'loading-model');
    which.setDisabled(true);

    let translator: Translator | null = null;
    let alive = true;
    /** Bumped by each open(): a load that finishes after a newer one started is dropped. */
    let opening = 0;

    const showOriginal = () => {
      drawCover(original, picker.pad.canvas);
      stats.textContent = '';
    };
    picker.pad.onChange(showOriginal);
    picker.pick(SAMPLES[0].file);
    showOriginal();

    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const t = translator;
      if (!t) return;
      void buttons.run(async (signal) => {
        const t0 = performance.now();
        const img = await t.translate({ image: original, signal });
        paint(result, img);
        stats.textContent = `${t.source} → ${t.target} · ${Math.round(performance.now() - t0)} ms`;
        stats.dataset.source = t.source;
        stats.dataset.target = t.target;
      });
    });

    const open = async (url: string) => {
      // Switching model: the previous one is released and nothing runs until the new one is ready.
      const token = ++opening;
      const previous = translator;
      translator = null;
      buttons.stop();
      buttons.generate.disabled = true;
      setState(root, 'loading-model');
      void previous?.dispose();
      model.progress.start(`Loading ${url}…`);
      try {
        const avail = await checkModel(url);
        const loaded = await createTranslator({ model: url, ...(avail.ok && { manifest: avail.manifest }), backend: ctx.config.backend, threads: wasmThreads(), onProgress: (e) => model.onProgress(e) });
        if (!alive || token !== opening) return void loaded.dispose();
        translator = loaded;
        showBackend(loaded.backend, wasmThreads());
        for (const c of [original, result]) [c.width, c.height] = [loaded.manifest.image.width, loaded.manifest.image.height];
        showOriginal();
        originalCaption.textContent = `Your picture (${loaded.source})`;
        resultCaption.textContent = `Restyled (${loaded.target})`;
        buttons.ready();
      } catch (err) {
        if (!alive || token !== opening) return;
        model.progress.fail(`Loading ${url} failed.`);
        model.notices.error(err, 'model');
        setState(root, 'error');
        which.setDisabled(which.select.options.length < 2);
      }
    };

    const discover = async () => {
      const usable = await model.discover(ctx.config.translators, 'translator', TRANSLATOR_WORDS);
      if (!alive) return;
      if (usable.length === 0) {
        setState(root, 'unavailable');
        return;
      }
      which.select.replaceChildren(...usable.map((f) => h('option', { value: f.url }, f.manifest.name)));
      which.setDisabled(usable.length < 2);
      await open(usable[0]!.url);
    };
    which.select.addEventListener('change', () => {
      model.notices.clear('model');
      void open(which.value);
    });
    void discover();

    return () => {
      alive = false;
      buttons.stop();
      model.close();
      void translator?.dispose();
    };
  },
};
