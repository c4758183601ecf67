/**
 * Text to image (shapes-t2i): prompt, steps, guidance, seed, batch; the picture forms live from onStep previews. When
 * the demo's model list (or ?clip=) has a CLIP model trained on the data the generator draws, each image gets its CLIP
 * score under it; a CLIP of other data only gets a note (a score from a model that never saw such pictures means
 * nothing), and is not loaded.
 */
import { splitWords, unknownPromptWords, type Generator, type Manifest } from 'webgen';
import { h } from '../dom.js';
import { needsText } from '../models.js';
import { ClipScores } from './clip-scores.js';
import { drawEach } from './draw-each.js';
import { ImageGrid } from '../widgets/image-grid.js';
import { numberBox, seedBox, slider, textBox } from '../widgets/controls.js';
import { ModelSection, pageHeader, RunButtons, setState, StepTimer, useModelDefaults, type Page } from './common.js';

// Phrased like shapes-t2i's captions (size, colour, shape, place): the model reads those best.
const EXAMPLES = [
  'a large red star in the center',
  'a large blue star in the center',
  'a small green square at the top left',
  'a large purple triangle at the bottom',
  'a large yellow circle on the right',
  'a large orange cross at the top right',
];

/** Example prompts the model can read: ours when every word is in its vocabulary, else a few made of its own words. */
export function examplePrompts(m: Manifest): string[] {
  const vocab = new Set(m.conditioning?.tokenizer?.vocab ?? []);
  const max = m.conditioning?.tokenizer?.maxLength ?? 16;
  const fits = EXAMPLES.filter((p) => p.split(' ').every((w) => vocab.has(w)) && p.split(' ').length <= max);
  if (fits.length >= 2) return fits;
  const words = [...vocab].filter((w) => /^[a-z0-9]+$/.test(w));
  const out: string[] = [];
  for (let i = 0; i + 1 < words.length && out.length < 4; i += 2) out.push(words.slice(i, i + Math.min(2, max)).join(' '));
  return [...fits, ...out];
}

export const textToImagePage: Page = {
  route: 'text',
  title: 'Text to image',
  mount(root, ctx) {
    const model = new ModelSection();
    const prompt = textBox({ label: 'Prompt', name: 'prompt', value: '', placeholder: 'a red circle', hint: 'Describe a shape: colour, kind, size, place.' });
    const examples = h('div', { class: 'chips', role: 'group', 'aria-label': 'Example prompts' });
    const steps = slider({ label: 'Steps', name: 'steps', min: 1, max: 100, step: 1, value: 20, hint: 'DDIM steps: more is slower and usually cleaner.' });
    const guidance = slider({ label: 'Guidance scale', name: 'guidance', min: 1, max: 8, step: 0.5, value: 2, hint: '1 is the model as trained; higher pushes harder towards the prompt, too high distorts.' });
    const seed = seedBox();
    const batch = numberBox({ label: 'Batch', name: 'batch', min: 1, max: 8, value: 1, hint: '1 – 8 images, seeds counting up.' });
    const preview = h('canvas', { class: 'preview-canvas pixelated', width: 32, height: 32, role: 'img', 'aria-label': 'Live preview', 'data-testid': 'preview' });
    const timer = new StepTimer();
    const grid = new ImageGrid();
    const clip = new ClipScores(root, ctx);
    const controls = [prompt, steps, guidance, seed, batch];
    const buttons = new RunButtons(root, 'Generate', (busy) => controls.forEach((c) => c.setDisabled(busy))).track(timer);
    const form = h('form', { class: 'panel', 'aria-label': 'Text to image settings' }, prompt.el, h('div', { class: 'field' }, h('span', { class: 'label' }, 'Examples'), examples), steps.el, guidance.el, seed.el, batch.el, buttons.el);
    root.append(
      ...pageHeader('Text to image', 'Type a prompt; the model draws it in your browser. Watch the image form step by step.'),
      model.el,
      h('div', { class: 'page-layout' }, form, h('section', { class: 'panel', 'aria-label': 'Result' }, h('h2', {}, 'Live preview'), preview, timer.el, h('h2', {}, 'Images'), clip.note, grid.el)),
    );
    setState(root, 'loading-model');

    let generator: Generator | null = null;
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (!generator) return;
      const g = generator;
      const scorer = clip.current;
      // Say what the model cannot read before drawing: an empty prompt, or words its vocabulary lacks.
      const text = prompt.value.trim();
      const vocab = g.manifest.conditioning?.tokenizer?.vocab.slice(2) ?? [];
      if (text === '') {
        buttons.notices.show('warning', 'Type a prompt', `An empty prompt draws with no condition at all. Describe what to draw with the model's words, or pick an example.`, 'prompt');
        return;
      }
      const unknown = unknownPromptWords(g.manifest, text);
      const known = new Set(splitWords(text)).size - unknown.length;
      if (unknown.length > 0) {
        const what = `${g.manifest.name} does not know ${unknown.map((w) => `“${w}”`).join(', ')}. It knows ${vocab.length} words: ${vocab.join(', ')}.`;
        buttons.notices.show('warning', known > 0 ? 'Some words are unknown to this model' : 'No word of this prompt is known to this model', known > 0 ? `${what} It draws the rest.` : `${what} Nothing to draw from: rephrase with its words.`, 'prompt');
        if (known === 0) return;
      } else {
        buttons.notices.clear('prompt');
      }
      void buttons.run(async (signal) => {
        const n = batch.value;
        const first = seed.value;
        const opts = { prompt: text, steps: steps.value, guidanceScale: guidance.value };
        const scores: Promise<void>[] = [];
        await drawEach({
          n,
          noun: 'Image',
          preview,
          timer,
          grid,
          draw: (i, onStep) => g.textToImage({ ...opts, seed: (first + i) % 4294967296, signal, onStep }),
          each: (image, figure) => {
            if (scorer) scores.push(clip.score(scorer, image, opts.prompt, figure, signal));
          },
        });
        await Promise.all(scores);
      });
    });

    void model.open(ctx.config.t2i, needsText, ctx).then((g) => {
      if (!g) {
        if (root.isConnected) setState(root, 'unavailable');
        return;
      }
      generator = g;
      useModelDefaults(g, { steps, guidance });
      const ex = examplePrompts(g.manifest);
      if (!prompt.value) prompt.value = ex[0] ?? '';
      examples.replaceChildren(...ex.map((p) => h('button', { type: 'button', onclick: () => (prompt.value = p) }, p)));
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
