/**
 * Restyle: an image-to-image translator (manifest kind 'translator', pix2pix; createTranslator in the SDK's worker)
 * redraws a picture from one emoji style in the other (Noto → Twemoji). Draw, upload or pick a picture and see it
 * beside its translation. The model picker offers every model of the demo's list (config.ts MODELS, or ?translator=)
 * whose manifest says 'translator'.
 */
import { createTranslator } from 'webgen';
import { h } from '../dom.js';
import { selectBox } from '../widgets/controls.js';
import { paint } from '../widgets/image-grid.js';
import { PicturePicker, SAMPLES } from '../widgets/picture-picker.js';
import { drawCover } from '../widgets/draw-cover.js';
import { ModelSection, pageHeader, RunButtons, setState, type Page } from './common.js';
import { offerModels } from './offer-models.js';

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

    const showOriginal = () => {
      drawCover(original, picker.pad.picture);
      stats.textContent = '';
    };
    picker.pad.onChange(showOriginal);
    picker.pick(SAMPLES[0].file);
    showOriginal();

    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const t = models.current();
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

    const models = offerModels({
      root, model, which, urls: ctx.config.translators, kind: 'translator', words: TRANSLATOR_WORDS,
      create: (url, manifest, threads, onProgress) => createTranslator({ model: url, ...(manifest && { manifest }), backend: ctx.config.backend, threads, onProgress }),
      closing: () => {
        buttons.stop();
        buttons.generate.disabled = true;
      },
      opened: (t) => {
        for (const c of [original, result]) [c.width, c.height] = [t.manifest.image.width, t.manifest.image.height];
        showOriginal();
        originalCaption.textContent = `Your picture (${t.source})`;
        resultCaption.textContent = `Restyled (${t.target})`;
        buttons.ready();
      },
    });

    return () => {
      buttons.stop();
      model.close();
      models.close();
    };
  },
};
