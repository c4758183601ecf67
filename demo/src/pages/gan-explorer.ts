/**
 * GAN explorer (mnist-dcgan / mnist-vitgan): a grid of samples from random latents; click two to walk the latent
 * path between them (slerp); a class picker for conditional generators. Until the SDK has createGan (gan-api.ts) or
 * the models are shipped, the page says so and keeps its controls disabled.
 */
import { Rng } from 'webgen';
import { h } from '../dom.js';
import { findCreateGan, slerp, type GanRunner } from '../gan-api.js';
import { checkModel, manifestUrlOf } from '../models.js';
import { showBackend } from '../widgets/backend-badge.js';
import { choiceGrid, seedBox, selectBox } from '../widgets/controls.js';
import { ImageGrid, paint } from '../widgets/image-grid.js';
import { ANY, classOptions } from './digits.js';
import { ModelSection, pageHeader, RunButtons, setState, type Page } from './common.js';
import { wasmThreads } from '../config.js';

const GRID = 16;
const STEPS = 8;

export const ganExplorerPage: Page = {
  route: 'gan',
  title: 'GAN explorer',
  mount(root, ctx) {
    const model = new ModelSection();
    const names = ctx.config.gan;
    const which = selectBox({ label: 'Generator', name: 'gan-model', options: names.map((m) => ({ value: m, label: m.split('/').filter(Boolean).pop() ?? m })), value: names[0]! });
    const digit = choiceGrid({ legend: 'Class', name: 'gan-class', options: classOptions(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']), value: ANY });
    const seed = seedBox();
    const grid = new ImageGrid();
    const strip = h('div', { class: 'interp', role: 'list', 'aria-label': 'Interpolation between the two picked images' });
    const hint = h('p', { class: 'stats' }, 'Click two images in the grid to interpolate between them.');
    const controls = [which, digit, seed];
    const buttons = new RunButtons(root, model.notices, 'New grid', (busy) => controls.forEach((c) => c.setDisabled(busy)));
    const form = h('form', { class: 'panel', 'aria-label': 'GAN settings' }, which.el, digit.el, seed.el, buttons.el);
    root.append(
      ...pageHeader('GAN explorer', 'A generator draws a digit in one pass from a random latent vector. Pick two samples to see the path between them.'),
      model.el,
      h('div', { class: 'page-layout' }, form, h('section', { class: 'panel', 'aria-label': 'Samples' }, h('h2', {}, 'Samples'), grid.el, h('h2', {}, 'Interpolation'), hint, strip)),
    );
    setState(root, 'loading-model');
    controls.forEach((c) => c.setDisabled(true));

    let gan: GanRunner | null = null;
    let latents: Float32Array[] = [];
    let picked: number[] = [];
    let alive = true;

    const classLabel = () => (digit.value === ANY ? undefined : Number(digit.value));

    const interpolate = async (signal: AbortSignal) => {
      if (!gan || picked.length !== 2) return;
      const [a, b] = [latents[picked[0]!]!, latents[picked[1]!]!];
      const z = new Float32Array(STEPS * gan.latentDim);
      for (let i = 0; i < STEPS; i++) z.set(slerp(a, b, i / (STEPS - 1)), i * gan.latentDim);
      const images = await gan.generate({ latents: z, classLabel: classLabel(), signal });
      strip.replaceChildren(...images.map((img, i) => {
        const c = h('canvas', { class: 'pixelated', role: 'listitem', 'aria-label': `Step ${i + 1} of ${STEPS}` });
        paint(c, img);
        return c;
      }));
    };

    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const g = gan;
      if (!g) return;
      void buttons.run(async (signal) => {
        const rng = new Rng(seed.value);
        latents = Array.from({ length: GRID }, () => rng.normalArray(g.latentDim));
        const z = new Float32Array(GRID * g.latentDim);
        latents.forEach((l, i) => z.set(l, i * g.latentDim));
        const images = await g.generate({ latents: z, classLabel: classLabel(), signal });
        picked = [];
        strip.replaceChildren();
        grid.clear();
        grid.add(
          images.map((image, i) => ({ image, caption: `#${i + 1}` })),
          (index, tile) => {
            if (picked.includes(index)) picked = picked.filter((p) => p !== index);
            else picked = [...picked.slice(-1), index];
            for (const t of grid.el.querySelectorAll('button.tile')) t.setAttribute('aria-pressed', 'false');
            const tiles = [...grid.el.querySelectorAll('button.tile')];
            for (const p of picked) tiles[p]?.setAttribute('aria-pressed', 'true');
            void tile;
            if (picked.length === 2) void buttons.run(interpolate);
          },
        );
      });
    });

    const open = async (url: string) => {
      const create = findCreateGan();
      const avail = await checkModel(url);
      if (!alive) return;
      if (!create) {
        model.notices.show(
          'warning',
          'The GAN runner is not available yet',
          `This version of the webgen SDK has no createGan, so GAN generators cannot run in the browser yet.${avail.ok ? '' : ` Also: ${avail.title.toLowerCase()} (${new URL(manifestUrlOf(url)).pathname}).`}`,
          'model',
        );
        model.progress.el.hidden = true;
        setState(root, 'unavailable');
        which.setDisabled(names.length < 2);
        return;
      }
      if (!avail.ok) {
        model.notices.show('warning', avail.title, avail.reason, 'model');
        setState(root, 'unavailable');
        which.setDisabled(names.length < 2);
        return;
      }
      model.progress.start(`Loading ${avail.manifest.name}…`);
      try {
        await gan?.dispose();
        gan = await create({ model: url, backend: ctx.config.backend, threads: wasmThreads(), onProgress: (e) => model.progress.update(e) });
        if (!alive) return void gan.dispose();
        showBackend(gan.backend as 'webgpu' | 'wasm', wasmThreads());
        digit.setOptions(classOptions(gan.manifest.conditioning?.classes), ANY);
        controls.forEach((c) => c.setDisabled(false));
        buttons.ready();
      } catch (err) {
        model.notices.error(err, 'model');
        setState(root, 'error');
      }
    };
    which.select.addEventListener('change', () => {
      model.notices.clear('model');
      void open(which.value);
    });
    void open(names[0]!);

    return () => {
      alive = false;
      buttons.stop();
      model.close();
      void gan?.dispose();
    };
  },
};
