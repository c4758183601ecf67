/**
 * Latent space: an autoencoder (manifest kind 'autoencoder', createAutoencoder in the SDK's worker) maps a picture to
 * a small latent and back. Draw, upload or pick a picture and see it beside its reconstruction (PSNR over white);
 * walk the straight line between two pictures' latents; sweep one latent dimension. The model picker offers every
 * model of the demo's list (config.ts MODELS, or ?ae=) whose manifest says 'autoencoder'.
 */
import { createAutoencoder, psnr, type Autoencoder, type GeneratedImage } from 'webgen';
import { h, newId } from '../dom.js';
import { type Control, selectBox, slider } from '../widgets/controls.js';
import { paint } from '../widgets/image-grid.js';
import { drawCover } from '../widgets/draw-cover.js';
import { loadSample, PicturePicker, SAMPLES } from '../widgets/picture-picker.js';
import { ModelSection, pageHeader, RunButtons, setState, type Page } from './common.js';
import { offerModels } from './offer-models.js';

const UPLOAD = 'upload';
const AUTOENCODER_WORDS = { noun: 'autoencoder', a: 'an autoencoder', plural: 'autoencoders', example: 'emoji-vae', query: 'ae', train: 'webgen-train autoencoder emoji-vae --export models/emoji-vae' };

/** RGB of RGBA bytes composited over white, as values in [0, 1] (how the model cards measure PSNR). */
function overWhite(d: ArrayLike<number>): Float32Array {
  const out = new Float32Array((d.length / 4) * 3);
  for (let p = 0; p < d.length / 4; p++) {
    const a = d[p * 4 + 3]! / 255;
    for (let c = 0; c < 3; c++) out[p * 3 + c] = (d[p * 4 + c]! * a + 255 * (1 - a)) / 255;
  }
  return out;
}

/** A strip of frames, each labelled for screen readers. */
function showStrip(strip: HTMLElement, images: GeneratedImage[], what: (i: number) => string): void {
  strip.replaceChildren(
    ...images.map((img, i) => {
      const c = h('canvas', { class: 'pixelated', role: 'listitem', 'aria-label': what(i) });
      paint(c, img);
      return c;
    }),
  );
}

/** A number box passed to the SDK as typed (its range checks are the page's error messages), with a settable max. */
function dimBox(name: string): Control<number> & { setMax(max: number): void } {
  const id = newId(name);
  const input = h('input', { id, type: 'number', min: 0, max: 3, step: 1, value: 0, name, inputmode: 'numeric' });
  const hint = h('span', { class: 'hint' }, '');
  const el = h('div', { class: 'field' }, h('label', { for: id }, 'Dimension'), input, hint);
  return {
    el,
    get value() {
      return input.value === '' ? NaN : Number(input.value);
    },
    set value(v: number) {
      input.value = String(v);
    },
    setDisabled: (d) => (input.disabled = d),
    setMax: (max) => {
      input.max = String(max);
      hint.textContent = `0 … ${max}: a channel of a spatial latent, a component of a flat one.`;
    },
  };
}

export const latentSpacePage: Page = {
  route: 'latent',
  title: 'Latent space',
  mount(root, ctx) {
    const model = new ModelSection();
    const which = selectBox({ label: 'Autoencoder', name: 'ae-model', options: [], value: '' });
    const picker = new PicturePicker(model.notices);
    const pad = picker.pad;
    const original = h('canvas', { class: 'pixelated', width: 64, height: 64, role: 'img', 'aria-label': 'Original: your picture as the model sees it', 'data-testid': 'original' });
    const reconstruction = h('canvas', { class: 'pixelated', width: 64, height: 64, role: 'img', 'aria-label': 'Reconstruction: decode(encode(picture))', 'data-testid': 'reconstruction' });
    const quality = h('p', { class: 'stats', 'data-testid': 'psnr' });

    const pictureB = h('canvas', { class: 'pixelated thumb', width: 64, height: 64, role: 'img', 'aria-label': 'Picture B', 'data-testid': 'picture-b' });
    const pickB = selectBox({ label: 'Picture B', name: 'picture-b', options: SAMPLES.map((s) => ({ value: s.file, label: s.label })), value: SAMPLES[3]!.file });
    const uploadId = newId('b-file');
    const uploadB = h('input', { id: uploadId, type: 'file', accept: 'image/*', 'data-testid': 'b-upload' });
    const walkFrames = slider({ label: 'Frames', name: 'walk-frames', min: 2, max: 16, step: 1, value: 8 });
    const walkStrip = h('div', { class: 'latent-strip', role: 'list', 'aria-label': 'Walk from your picture to picture B', 'data-testid': 'walk' });

    const dim = dimBox('dim');
    const range = slider({ label: 'Range ±', name: 'range', min: 0.5, max: 6, step: 0.5, value: 3, hint: 'The sweep from −range to +range, in standard deviations of the latent.', format: (v) => v.toFixed(1) });
    const travFrames = slider({ label: 'Frames', name: 'traverse-frames', min: 2, max: 16, step: 1, value: 7 });
    const travStrip = h('div', { class: 'latent-strip', role: 'list', 'aria-label': 'One dimension swept', 'data-testid': 'traverse' });

    const controls: Control<unknown>[] = [pickB, walkFrames, dim, range, travFrames];
    const all: RunButtons[] = [];
    // One job at a time: while one runs, the others' buttons and the settings wait.
    const busy = (b: boolean) => {
      controls.forEach((c) => c.setDisabled(b));
      uploadB.disabled = b;
      for (const r of all) r.generate.disabled = b || !ae;
    };
    const reconButtons = new RunButtons(root, 'Reconstruct', busy);
    const walkButtons = new RunButtons(root, 'Walk', busy);
    const travButtons = new RunButtons(root, 'Traverse', busy);
    all.push(reconButtons, walkButtons, travButtons);

    const reconForm = h('form', { class: 'panel', 'aria-label': 'Reconstruct' }, h('h2', {}, 'Your picture'), which.el, ...picker.el, reconButtons.el);
    const walkForm = h(
      'form',
      { class: 'panel', 'aria-label': 'Walk' },
      h('h2', {}, 'Walk between two pictures'),
      h('p', { class: 'hint' }, 'From your picture (A) to picture B, in a straight line through latent space.'),
      h('div', { class: 'row pick-b' }, pictureB, pickB.el),
      h('div', { class: 'field' }, h('label', { for: uploadId }, 'Or upload picture B'), uploadB),
      walkFrames.el,
      walkButtons.el,
      walkStrip,
    );
    // novalidate: an out-of-range dimension reaches the SDK, whose error names the parameter and the range.
    const travForm = h('form', { class: 'panel', 'aria-label': 'Traverse', novalidate: true }, h('h2', {}, 'Traverse a dimension'), h('p', { class: 'hint' }, 'Your picture with one latent dimension swept while the others stay.'), dim.el, range.el, travFrames.el, travButtons.el, travStrip);
    root.append(
      ...pageHeader('Latent space', 'An autoencoder squeezes a picture into a small latent and draws it back. See what survives the trip, walk from one picture to another, or turn one dial of the latent.'),
      model.el,
      h(
        'div',
        { class: 'page-layout' },
        reconForm,
        h(
          'div',
          { class: 'latent-results' },
          h(
            'section',
            { class: 'panel', 'aria-label': 'Original and reconstruction' },
            h('div', { class: 'before-after on-white' }, h('figure', {}, original, h('figcaption', {}, 'Original')), h('figure', {}, reconstruction, h('figcaption', {}, 'Reconstruction'))),
            quality,
          ),
          walkForm,
          travForm,
        ),
      ),
    );
    setState(root, 'loading-model');
    controls.forEach((c) => c.setDisabled(true));
    which.setDisabled(true);

    /** The open autoencoder (offerModels opens and releases it). */
    let ae: Autoencoder | null = null;
    let size = { width: 64, height: 64 };
    let bSource: (CanvasImageSource & { width: number; height: number }) | null = null;

    /** The pad and picture B at the model's size: exactly what is encoded (and what PSNR compares against). */
    const resize = () => {
      for (const c of [original, reconstruction, pictureB]) [c.width, c.height] = [size.width, size.height];
      drawCover(original, pad.picture);
      if (bSource) drawCover(pictureB, bSource);
      quality.textContent = '';
    };
    const showOriginal = () => {
      drawCover(original, pad.picture);
      quality.textContent = '';
    };
    pad.onChange(showOriginal);
    const showError = (title: string) => (err: unknown) => model.notices.show('error', title, (err as Error)?.message ?? String(err), 'picture');
    const setB = (src: CanvasImageSource & { width: number; height: number }) => {
      bSource = src;
      drawCover(pictureB, src);
    };
    pickB.select.addEventListener('change', () => {
      if (pickB.value !== UPLOAD) void loadSample(pickB.value).then(setB, showError('The sample could not be loaded'));
    });
    uploadB.addEventListener('change', () => {
      const f = uploadB.files?.[0];
      if (!f) return;
      createImageBitmap(f).then(
        (bitmap) => {
          model.notices.clear('picture');
          if (!pickB.select.querySelector(`option[value=${UPLOAD}]`)) pickB.select.append(h('option', { value: UPLOAD }, 'Your upload'));
          pickB.value = UPLOAD;
          setB(bitmap);
        },
        showError('That file is not a picture this browser can read'),
      );
    });
    // The page starts on a sample, not an empty pad.
    picker.pick(SAMPLES[0].file);
    void loadSample(pickB.value).then(setB, showError('The sample could not be loaded'));
    showOriginal();

    reconForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const m = ae;
      if (!m) return;
      void reconButtons.run(async (signal) => {
        const t0 = performance.now();
        const [img] = await m.reconstruct(original, { signal });
        paint(reconstruction, img!);
        const input = original.getContext('2d')!.getImageData(0, 0, original.width, original.height).data;
        const db = psnr(overWhite(input), overWhite(img!.data));
        quality.textContent = `PSNR ${Number.isFinite(db) ? db.toFixed(1) : '∞'} dB (RGB over white) · ${Math.round(performance.now() - t0)} ms`;
      });
    });
    walkForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const m = ae;
      if (!m) return;
      void walkButtons.run(async (signal) => {
        const frames = walkFrames.value;
        const images = await m.interpolate({ from: original, to: pictureB, frames, signal });
        showStrip(walkStrip, images, (i) => `Frame ${i + 1} of ${frames}`);
      });
    });
    travForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const m = ae;
      if (!m) return;
      void travButtons.run(async (signal) => {
        const r = range.value;
        const frames = travFrames.value;
        const d = dim.value;
        const images = await m.traverse({ image: original, dim: d, range: [-r, r], frames, signal });
        showStrip(travStrip, images, (i) => `Dimension ${d}, frame ${i + 1} of ${frames}`);
      });
    });

    const setRunnable = (on: boolean) => {
      for (const r of all) r.generate.disabled = !on;
      controls.forEach((c) => c.setDisabled(!on));
      uploadB.disabled = !on;
    };

    // The candidates whose manifest says 'autoencoder'; none (or a named model, ?ae=, that is not one) is said so.
    const models = offerModels({
      root, model, which, urls: ctx.config.autoencoders, kind: 'autoencoder', words: AUTOENCODER_WORDS,
      create: (url, manifest, threads, onProgress) => createAutoencoder({ model: url, ...(manifest && { manifest }), backend: ctx.config.backend, threads, onProgress }),
      closing: () => {
        ae = null;
        for (const r of all) r.stop();
        setRunnable(false);
      },
      opened: (loaded) => {
        ae = loaded;
        size = { width: ae.manifest.image.width, height: ae.manifest.image.height };
        resize();
        dim.setMax(ae.latentShape[0]! - 1);
        if (dim.value > ae.latentShape[0]! - 1) dim.value = 0;
        walkStrip.replaceChildren();
        travStrip.replaceChildren();
        const clear = (c: HTMLCanvasElement) => c.getContext('2d')!.clearRect(0, 0, c.width, c.height);
        clear(reconstruction);
        setRunnable(true);
        for (const r of all) r.ready();
      },
    });

    return () => {
      for (const r of all) r.stop();
      model.close();
      models.close();
    };
  },
};
