/**
 * Emoji (emoji-ldm, latent diffusion): a prompt draws a grid of 64×64 emoji with transparency, shown on a checkerboard,
 * each downloadable as a PNG that keeps its alpha, with its CLIP score (emoji-clip) under it. Example prompts include
 * concepts the model never trained on and (concept, style) pairs it never saw together. "Start from your drawing" runs
 * img2img: the drawing is encoded by the model's autoencoder, noised by the strength and drawn back to the prompt.
 */
import type { GeneratedImage, Generator } from 'webgen';
import { h } from '../dom.js';
import { needsText } from '../models.js';
import { DrawingPad } from '../widgets/drawing-pad.js';
import { ImageGrid } from '../widgets/image-grid.js';
import { choiceGrid, numberBox, seedBox, slider, textBox } from '../widgets/controls.js';
import { ClipScores } from './clip-scores.js';
import { drawEach } from './draw-each.js';
import { ModelSection, pageHeader, RunButtons, setState, StepTimer, useModelDefaults, type Page } from './common.js';

/** Example prompts, as the captions read (name, style): what emoji-ldm trained on, and what it never saw. */
export const EMOJI_EXAMPLES: { prompt: string; kind: 'trained' | 'new concept' | 'new style' }[] = [
  { prompt: 'grinning face, noto style', kind: 'trained' },
  { prompt: 'red apple, twemoji style', kind: 'trained' },
  { prompt: 'dog face, noto style', kind: 'trained' },
  { prompt: 'orange heart, noto style', kind: 'new concept' },
  { prompt: 'slightly smiling face, twemoji style', kind: 'new concept' },
  { prompt: 'black cat, twemoji style', kind: 'new style' },
  { prompt: 'tomato, noto style', kind: 'new style' },
];

const KIND_NOTE = { trained: 'trained on', 'new concept': 'a concept it never saw', 'new style': 'seen only in the other style' } as const;

/** A file name for the PNG of `image` drawn from `prompt`. */
export function emojiFileName(prompt: string, seed: number): string {
  const slug = prompt.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 48) || 'emoji';
  return `${slug}-${seed}.png`;
}

export const emojiPage: Page = {
  route: 'emoji',
  title: 'Emoji',
  mount(root, ctx) {
    const model = new ModelSection();
    const prompt = textBox({ label: 'Prompt', name: 'prompt', value: '', placeholder: 'grinning face, noto style', hint: 'An emoji name, then "noto style" or "twemoji style".' });
    const examples = h('div', { class: 'chips', role: 'group', 'aria-label': 'Example prompts' });
    const start = choiceGrid({ legend: 'Start from', name: 'start', options: [{ value: 'noise', label: 'Noise' }, { value: 'drawing', label: 'Your drawing' }], value: 'noise' });
    const pad = new DrawingPad(192);
    const strength = slider({ label: 'Strength', name: 'strength', min: 0.05, max: 1, step: 0.05, value: 0.7, hint: 'How much of your drawing to redraw: low keeps it, 1 ignores it.', format: (v) => v.toFixed(2) });
    const drawing = h('div', { class: 'field', 'data-testid': 'drawing', hidden: true }, pad.el, strength.el);
    const steps = slider({ label: 'Steps', name: 'steps', min: 1, max: 100, step: 1, value: 25, hint: 'DDIM steps of the latent U-Net; the decoder runs once, at the end.' });
    const guidance = slider({ label: 'Guidance scale', name: 'guidance', min: 1, max: 8, step: 0.5, value: 3, hint: '1 is the model as trained; higher follows the prompt harder.' });
    const seed = seedBox();
    const batch = numberBox({ label: 'Images', name: 'batch', min: 1, max: 8, value: 4, hint: '1 – 8 emoji, seeds counting up.' });
    const preview = h('canvas', { class: 'preview-canvas pixelated checkerboard', width: 64, height: 64, role: 'img', 'aria-label': 'Live preview', 'data-testid': 'preview' });
    const timer = new StepTimer();
    const grid = new ImageGrid();
    grid.el.classList.add('checkerboard-tiles');
    const clip = new ClipScores(root, ctx);
    const controls = [prompt, start, strength, steps, guidance, seed, batch];
    const buttons = new RunButtons(root, 'Generate', (busy) => controls.forEach((c) => c.setDisabled(busy))).track(timer);
    const form = h('form', { class: 'panel', 'aria-label': 'Emoji settings' }, prompt.el, h('div', { class: 'field' }, h('span', { class: 'label' }, 'Examples'), examples), start.el, drawing, steps.el, guidance.el, seed.el, batch.el, buttons.el);
    root.append(
      ...pageHeader('Emoji', 'Latent diffusion in your browser: a CLIP text encoder, a U-Net on 16×16 latents and the VAE decoder draw 64×64 emoji with transparency.'),
      model.el,
      h('div', { class: 'page-layout' }, form, h('section', { class: 'panel', 'aria-label': 'Result' }, h('h2', {}, 'Live preview'), preview, h('p', { class: 'hint' }, 'The preview maps the latent to colours linearly (no decoder run); the final image is decoded.'), timer.el, h('h2', {}, 'Emoji'), clip.note, grid.el)),
    );
    start.el.addEventListener('change', () => (drawing.hidden = start.value !== 'drawing'));
    pad.onUploadError((message) => model.notices.show('error', 'That file is not a picture', message, 'upload'));
    pad.onChange(() => model.notices.clear('upload'));
    setState(root, 'loading-model');

    let generator: Generator | null = null;
    /** A figure's download link: the PNG keeps the alpha channel. */
    const download = (image: GeneratedImage, text: string, figure: HTMLElement) => {
      const link = h('a', { class: 'download', href: '#', download: emojiFileName(text, image.seed), 'data-testid': 'download' }, 'Download PNG');
      link.addEventListener('click', (e) => {
        if (link.getAttribute('href') !== '#') return; // the blob URL is set: the browser downloads it
        e.preventDefault();
        void image.toBlob().then((blob) => {
          link.setAttribute('href', URL.createObjectURL(blob));
          link.click();
        });
      });
      figure.append(link);
    };

    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (!generator) return;
      const g = generator;
      const text = buttons.promptOrWarn(prompt.value, 'An empty prompt draws with no condition at all. Name an emoji and a style, or pick an example.');
      if (text === null) return;
      const scorer = clip.current;
      const fromDrawing = start.value === 'drawing';
      void buttons.run(async (signal) => {
        const n = batch.value;
        const first = seed.value;
        const scores: Promise<void>[] = [];
        await drawEach({
          n,
          noun: 'Emoji',
          preview,
          timer,
          grid,
          draw: (i, onStep) => {
            const common = { prompt: text, steps: steps.value, guidanceScale: guidance.value, seed: (first + i) % 4294967296, signal, onStep };
            return fromDrawing ? g.img2img({ ...common, image: pad.canvas, strength: strength.value }) : g.textToImage(common);
          },
          each: (image, figure) => {
            download(image, text, figure);
            if (image.unknownWords?.length) figure.append(h('p', { class: 'hint' }, `Unknown words: ${image.unknownWords.join(', ')}`));
            if (scorer) scores.push(clip.score(scorer, image, text, figure, signal));
          },
        });
        await Promise.all(scores);
      });
    });

    void model.open(ctx.config.emoji, needsText, ctx).then((g) => {
      if (!g) {
        if (root.isConnected) setState(root, 'unavailable');
        return;
      }
      generator = g;
      useModelDefaults(g, { steps, guidance });
      if (!prompt.value) prompt.value = EMOJI_EXAMPLES[0]!.prompt;
      examples.replaceChildren(
        ...EMOJI_EXAMPLES.map((x) => h('button', { type: 'button', title: `${g.manifest.name}: ${KIND_NOTE[x.kind]}`, 'data-kind': x.kind, onclick: () => (prompt.value = x.prompt) }, x.prompt, h('small', {}, ` · ${x.kind}`))),
      );
      buttons.ready();
      void clip.find(g);
    });

    return () => {
      buttons.stop();
      model.close();
      clip.dispose();
    };
  },
};
