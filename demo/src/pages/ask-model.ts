/**
 * Ask the model: a CLIP model (manifest kind 'clip', createClip in the SDK's worker) says which emoji a picture shows.
 * Draw, upload or pick a picture and see the five most probable of all the emoji names (demo/samples/emoji-names.json,
 * made by scripts/emoji-names.ts), or of labels of your own. The names are embedded once per loaded model, 64 a call;
 * each picture is then one image embedding, its cosines with the names (clip.similarity) and a softmax at the model's
 * logit scale (clip-helpers.ts). Labels of your own go through clip.zeroShot. The model picker offers every model of
 * the demo's list (config.ts MODELS, or ?clip=) whose manifest says 'clip'.
 */
import type { Clip, Embeddings } from 'webgen';
import { parseLabels, topK, wordCount, type Ranked } from '../clip-helpers.js';
import { formatMs, h } from '../dom.js';
import { loadClip } from '../models.js';
import { showBackend } from '../widgets/backend-badge.js';
import { selectBox, textBox } from '../widgets/controls.js';
import { PicturePicker, SAMPLES, type PictureSource } from '../widgets/picture-picker.js';
import { ModelSection, pageHeader, RunButtons, setState, type Page } from './common.js';

/** How many labels the answer shows. */
const TOP = 5;
/** Texts per embedText call while the names are read (one forward pass each; the SDK's batch). */
const CHUNK = 64;
const CLIP_WORDS = { noun: 'CLIP model', a: 'a CLIP model', plural: 'CLIP models', example: 'emoji-clip', query: 'clip', train: 'webgen-train clip emoji-clip --export models/emoji-clip' };

/** The emoji names the model can read (at most its tokenizer's maxLength words), with their embeddings. */
interface LabelSet {
  labels: string[];
  embeddings: Embeddings;
  /** Names left out: longer than the model reads. */
  skipped: number;
}

let namesFile: Promise<string[]> | undefined;

/** demo/samples/emoji-names.json, fetched once per visit (a failure is forgotten: the next visit retries). */
function emojiNames(): Promise<string[]> {
  namesFile ??= fetch('./samples/emoji-names.json').then(async (res) => {
    if (!res.ok) throw new Error(`./samples/emoji-names.json answered ${res.status} ${res.statusText}`);
    const names = (await res.json()) as unknown;
    if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) throw new Error('./samples/emoji-names.json is not a list of names');
    return names as string[];
  });
  namesFile.catch(() => (namesFile = undefined));
  return namesFile;
}

/** Each loaded model's embedded names, once complete (a page left half-way starts again on the next visit). */
const labelSets = new WeakMap<Clip, LabelSet>();

async function embedNames(clip: Clip, signal: AbortSignal, onProgress: (done: number, total: number) => void): Promise<LabelSet> {
  const known = labelSets.get(clip);
  if (known) return known;
  const max = clip.manifest.conditioning?.tokenizer?.maxLength ?? Infinity;
  const all = await emojiNames();
  const labels = all.filter((n) => wordCount(n) > 0 && wordCount(n) <= max);
  const d = clip.embedDim;
  const data = new Float32Array(labels.length * d); // [labels, d_e]
  for (let start = 0; start < labels.length; start += CHUNK) {
    onProgress(start, labels.length);
    const rows = await clip.embedText(labels.slice(start, start + CHUNK), { signal });
    data.set(rows.data, start * d);
  }
  const set: LabelSet = { labels, embeddings: { data, shape: [labels.length, d] }, skipped: all.length - labels.length };
  labelSets.set(clip, set);
  return set;
}

const percent = (p: number) => (p >= 0.001 ? `${(p * 100).toFixed(1)}%` : '<0.1%');

export const askModelPage: Page = {
  route: 'ask',
  title: 'Ask the model',
  mount(root, ctx) {
    const model = new ModelSection();
    const which = selectBox({ label: 'CLIP model', name: 'clip-model', options: [], value: '' });
    const picker = new PicturePicker(model.notices);
    const own = textBox({ label: 'Your own labels', name: 'labels', value: '', placeholder: 'cat face, pizza, rocket', hint: 'Comma-separated. Empty: all the emoji names.' });
    // The labels box stays enabled while a question runs: disabling it would take the focus from someone typing.
    const buttons = new RunButtons(root, 'Ask');
    const namesStatus = h('p', { class: 'stats', 'aria-live': 'polite', 'data-testid': 'names-status' });
    const ranking = h('ol', { class: 'ranking', 'aria-label': 'Most probable labels', 'data-testid': 'ranking' });
    const stats = h('p', { class: 'stats', 'data-testid': 'ask-stats' });
    const form = h('form', { class: 'panel', 'aria-label': 'Ask' }, h('h2', {}, 'Your picture'), which.el, ...picker.el, own.el, buttons.el);
    root.append(
      ...pageHeader('Ask the model', 'A CLIP model reads pictures and words into one space. Draw, upload or pick an emoji: it says which emoji names fit best.'),
      model.el,
      h('div', { class: 'page-layout' }, form, h('section', { class: 'panel', 'aria-label': 'Answer' }, h('h2', {}, 'The model says'), namesStatus, ranking, stats)),
    );
    setState(root, 'loading-model');
    which.setDisabled(true);
    own.setDisabled(true);

    let clip: Clip | null = null;
    let names: LabelSet | null = null;
    let alive = true;
    /** Bumped by each open(): a load that finishes after a newer one started is dropped. */
    let opening = 0;
    let reading: AbortController | undefined;
    let unsubscribe: (() => void) | undefined;

    const show = (ranked: Ranked[], source: PictureSource, of: 'emoji' | 'own') => {
      ranking.dataset.for = source;
      ranking.dataset.labels = of;
      ranking.replaceChildren(
        ...ranked.map((r) =>
          h(
            'li',
            { 'data-label': r.label, 'data-probability': r.probability, title: `cos ${r.similarity.toFixed(3)}` },
            h('span', { class: 'name' }, r.label),
            h('span', { class: 'bar', 'aria-hidden': 'true' }, h('span', { style: `width:${(r.probability * 100).toFixed(2)}%` })),
            h('span', { class: 'prob' }, percent(r.probability)),
          ),
        ),
      );
    };

    const job = async (signal: AbortSignal) => {
      const m = clip!;
      const t0 = performance.now();
      const source = picker.source;
      const labels = parseLabels(own.value);
      if (labels.length > 0) {
        show((await m.zeroShot({ image: picker.pad.picture, labels, signal })).slice(0, TOP), source, 'own');
        stats.textContent = `${labels.length} label${labels.length === 1 ? '' : 's'} of your own · ${formatMs(performance.now() - t0)}`;
        return;
      }
      if (!names) throw new Error('the emoji names are not available: type labels of your own');
      const image = await m.embedImages(picker.pad.picture, { signal });
      show(topK(names.labels, m.similarity(image, names.embeddings).data, m.logitScale, TOP), source, 'emoji');
      stats.textContent = `Top ${TOP} of ${names.labels.length.toLocaleString('en')} emoji names · ${formatMs(performance.now() - t0)}`;
    };

    // Every change of the picture asks again; a change while a question runs asks once more when it ends.
    let asking = false;
    let again = false;
    const ask = async () => {
      if (!clip) return;
      if (asking) return void (again = true);
      asking = true;
      do {
        again = false;
        await buttons.run(job);
      } while (again && alive && clip);
      asking = false;
    };
    picker.onChange(() => void ask());
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void ask();
    });
    picker.pick(SAMPLES[0].file);

    const open = async (url: string, name: string) => {
      const token = ++opening;
      const current = () => alive && token === opening;
      clip = null;
      names = null;
      buttons.stop();
      reading?.abort();
      unsubscribe?.();
      buttons.generate.disabled = true;
      own.setDisabled(true);
      setState(root, 'loading-model');
      ranking.replaceChildren();
      stats.textContent = '';
      model.notices.clear('names');
      model.progress.start(`Loading ${name}…`);
      const load = loadClip(url, ctx.config.backend, (e) => {
        if (current()) model.onProgress(e);
      });
      unsubscribe = load.unsubscribe;
      let loaded: Clip;
      try {
        const { model: m, threads } = await load.promise;
        if (!current()) return;
        showBackend(m.backend, threads);
        loaded = m;
      } catch (err) {
        if (!current()) return;
        model.progress.fail(`Loading ${name} failed.`);
        model.notices.error(err, 'model');
        setState(root, 'error');
        which.setDisabled(which.select.options.length < 2);
        return;
      }
      const controller = (reading = new AbortController());
      const t0 = performance.now();
      try {
        names = await embedNames(loaded, controller.signal, (done, total) => {
          if (current()) namesStatus.textContent = `Reading the emoji names: ${done.toLocaleString('en')} of ${total.toLocaleString('en')}…`;
        });
        if (!current()) return;
        const skipped = names.skipped ? ` (${names.skipped} longer than the model reads left out)` : '';
        namesStatus.textContent = `${names.labels.length.toLocaleString('en')} emoji names${skipped}, read in ${formatMs(performance.now() - t0)}.`;
      } catch (err) {
        if (!current()) return;
        names = null;
        namesStatus.textContent = '';
        model.notices.show('warning', 'The emoji names could not be read', `${(err as Error)?.message ?? String(err)}. Labels of your own still work.`, 'names');
      }
      clip = loaded;
      own.setDisabled(false);
      which.setDisabled(which.select.options.length < 2);
      buttons.ready();
      void ask();
    };

    /** The candidates whose manifest says 'clip'; none (or a named model, ?clip=, that is not one) is said so. */
    const discover = async () => {
      const usable = await model.discover(ctx.config.clips, 'clip', CLIP_WORDS);
      if (!alive) return;
      if (usable.length === 0) {
        setState(root, 'unavailable');
        return;
      }
      which.select.replaceChildren(...usable.map((f) => h('option', { value: f.url }, f.manifest.name)));
      await open(usable[0]!.url, usable[0]!.manifest.name);
    };
    which.select.addEventListener('change', () => {
      model.notices.clear('model');
      void open(which.value, which.select.selectedOptions[0]?.textContent ?? which.value);
    });
    void discover();

    return () => {
      alive = false;
      reading?.abort();
      unsubscribe?.();
      buttons.stop();
      model.close();
    };
  },
};
