/**
 * GAN explorer (mnist-dcgan / mnist-stylegan / mnist-vitgan): a grid of samples from random latents; click two to walk
 * the latent path between them (slerp); a class picker for conditional generators; for a style-based generator a ψ
 * slider and the style-mixing grid (style-mixing.ts). The generator runs in the SDK's worker
 * (createGan). Until the models are shipped (or when ?gan= names a model that is not a GAN generator), the page says
 * so and keeps its controls disabled.
 */
import { Rng, type ProgressEvent } from 'webgen';
import { h } from '../dom.js';
import { createGan, type Gan } from '../gan-api.js';
import { checkModel } from '../models.js';
import { showBackend } from '../widgets/backend-badge.js';
import { choiceGrid, seedBox, selectBox } from '../widgets/controls.js';
import { ImageGrid, paint } from '../widgets/image-grid.js';
import { ANY, classOptions } from './digits.js';
import { ModelSection, pageHeader, RunButtons, setState, type Page } from './common.js';
import { StyleMixing } from './style-mixing.js';
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
    const along = selectBox({
      label: 'Class along the path',
      name: 'gan-path-class',
      options: [
        { value: 'first', label: "the first pick's, all the way" },
        { value: 'second', label: "the second pick's, all the way" },
        { value: 'switch', label: 'switch halfway' },
      ],
      value: 'first',
    });
    along.el.hidden = true;
    const styles = new StyleMixing();
    const controls = [which, digit, seed, along, styles];
    const buttons = new RunButtons(root, 'New grid', (busy) => controls.forEach((c) => c.setDisabled(busy)));
    const form = h('form', { class: 'panel', 'aria-label': 'GAN settings' }, which.el, digit.el, seed.el, styles.psi.el, along.el, buttons.el);
    root.append(
      ...pageHeader('GAN explorer', 'A generator draws a digit in one pass from a random latent vector. Pick two samples to see the path between them.'),
      model.el,
      h('div', { class: 'page-layout' }, form, h('section', { class: 'panel', 'aria-label': 'Samples' }, h('h2', {}, 'Samples'), grid.el, h('h2', {}, 'Interpolation'), hint, strip), styles.section),
    );
    setState(root, 'loading-model');
    controls.forEach((c) => c.setDisabled(true));

    let gan: Gan | null = null;
    let latents: Float32Array[] = [];
    /** The class of each grid image (conditional generators), drawn from the seed when the class is "any". */
    let labels: number[] | undefined;
    let picked: number[] = [];
    let alive = true;
    /** Bumped by each open(): a load that finishes after a newer one started is dropped. */
    let opening = 0;

    const classLabel = () => (digit.value === ANY ? undefined : Number(digit.value));

    const interpolate = async (signal: AbortSignal) => {
      if (!gan || picked.length !== 2) return;
      const [from, to] = [latents[picked[0]!]!, latents[picked[1]!]!];
      // A class-conditional generator takes a class, not a mix of two: the path keeps one class (the latent moves
      // smoothly), or switches at the midpoint, as chosen.
      const ends = labels && [labels[picked[0]!]!, labels[picked[1]!]!];
      const classAt = (i: number) => (along.value === 'first' ? ends![0] : along.value === 'second' ? ends![1] : i < STEPS / 2 ? ends![0] : ends![1]);
      const path = ends && Array.from({ length: STEPS }, (_, i) => classAt(i));
      const images = await gan.interpolate({ from, to, frames: STEPS, ...(path && { classLabel: path }), ...styles.psiOption(gan), signal });
      strip.replaceChildren(...images.map((img, i) => {
        const c = h('canvas', { class: 'pixelated', role: 'listitem', 'aria-label': `Step ${i + 1} of ${STEPS}` });
        paint(c, img);
        return c;
      }));
    };

    // A new crossover redraws the mixing grid from the same samples.
    styles.crossover.el.addEventListener('change', () => {
      const g = gan;
      if (g && latents.length) void buttons.run((signal) => styles.draw(g, latents, labels, signal));
    });

    // A new choice of class along the path redraws the path between the same two picks.
    along.el.addEventListener('change', () => {
      if (gan && picked.length === 2) void buttons.run(interpolate);
    });

    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const g = gan;
      if (!g) return;
      void buttons.run(async (signal) => {
        const rng = new Rng(seed.value);
        latents = Array.from({ length: GRID }, () => rng.normalArray(g.latentDim));
        const z = new Float32Array(GRID * g.latentDim);
        latents.forEach((l, i) => z.set(l, i * g.latentDim));
        // The classes come from the same seed, so a seed gives the same grid every time.
        const K = g.classes?.length;
        const fixed = classLabel();
        labels = K ? Array.from({ length: GRID }, () => fixed ?? rng.int(K)) : undefined;
        const images = await g.generate({ latents: z, ...(labels && { classLabel: labels }), ...styles.psiOption(g), signal });
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
        await styles.draw(g, latents, labels, signal);
      });
    });

    const unavailable = (title: string, reason: string) => {
      model.notices.show('warning', title, reason, 'model');
      model.progress.el.hidden = true;
      setState(root, 'unavailable');
      which.setDisabled(names.length < 2);
    };

    const open = async (url: string) => {
      // Switching generator: the previous one is released and nothing runs until the new one is ready.
      const token = ++opening;
      const previous = gan;
      gan = null;
      buttons.stop();
      buttons.generate.disabled = true;
      [digit, seed].forEach((c) => c.setDisabled(true));
      setState(root, 'loading-model');
      void previous?.dispose();
      const avail = await checkModel(url);
      if (!alive || token !== opening) return;
      if (!avail.ok) return unavailable(avail.title, avail.reason);
      const m = avail.manifest;
      if (m.kind !== 'gan-generator') {
        return unavailable(`'${m.name}' is not a GAN generator`, `It is a ${m.kind} model; this page draws with GAN generators such as mnist-dcgan (open it with ?gan=<folder of a GAN generator>).`);
      }
      model.progress.start(`Loading ${avail.manifest.name}…`);
      try {
        const onProgress = (e: ProgressEvent) => {
          model.progress.update(e);
          if (e.status === 'backend-fallback') model.notices.show('warning', 'WebGPU not available, using WASM', e.reason, 'backend');
        };
        const loaded = await createGan({ model: url, manifest: m, backend: ctx.config.backend, threads: wasmThreads(), onProgress });
        if (!alive || token !== opening) return void loaded.dispose();
        gan = loaded;
        showBackend(gan.backend as 'webgpu' | 'wasm', wasmThreads());
        digit.setOptions(classOptions(gan.classes), ANY);
        along.el.hidden = !gan.classes;
        styles.show(gan);
        controls.forEach((c) => c.setDisabled(false));
        buttons.ready();
      } catch (err) {
        if (token !== opening) return;
        model.progress.fail(`Loading ${m.name} failed.`);
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
