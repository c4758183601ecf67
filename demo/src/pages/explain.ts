/**
 * Explain: three looks inside the shipped models, each computed in this browser from the model files themselves.
 *   - Where each word looks: a prompt drawn by the text-to-emoji model (emoji-ldm) with attentionMaps, one heat map
 *     per prompt word over the image (the U-Net's cross-attention, averaged over heads, layers and steps).
 *   - What the judge sees: the emoji judge (a classifier) names the drawn emoji's category and style, and its Grad-CAM
 *     map shows where on the image that verdict comes from (the classifier graph computes the map itself).
 *   - How far a ViT's heads look: the mean attention distance of each head of emoji-clip's image encoder, from
 *     <vit>/attention-distance.json (written by `webgen explain attention-distance`; docs/explain.md).
 * The judge and the plot are optional: a model that is not there leaves a notice in its section, and the rest works.
 */
import { heatOverlay, type Classifier, type GeneratedImage, type Generator, type RgbaImage } from 'webgen';
import { formatMs, h } from '../dom.js';
import { loadClassifier, needsText } from '../models.js';
import { checkDistanceJson, distancePlot } from '../widgets/distance-plot.js';
import { imageCanvas } from '../widgets/image-grid.js';
import { seedBox, textBox } from '../widgets/controls.js';
import { Notices } from '../widgets/notices.js';
import { ModelSection, pageHeader, RunButtons, setState, type Page } from './common.js';

/** The sampling the page draws with: the emoji model's card finds DDIM 10 as good as 50. */
const STEPS = 10;
const GUIDANCE = 3;

/** A figure of `image` under a caption (the overlays, the image itself). */
function figure(image: RgbaImage, caption: string, testid: string): HTMLElement {
  return h('figure', { 'data-testid': testid }, imageCanvas(image, caption), h('figcaption', {}, caption));
}

export const explainPage: Page = {
  route: 'explain',
  title: 'Explain',
  mount(root, ctx) {
    const model = new ModelSection();
    const prompt = textBox({ label: 'Prompt', name: 'prompt', value: 'red apple, twemoji style', placeholder: 'grinning face, noto style', hint: 'An emoji name, then "noto style" or "twemoji style".' });
    const seed = seedBox(7);
    const buttons = new RunButtons(root, 'Explain', (busy) => [prompt, seed].forEach((c) => c.setDisabled(busy)));
    const stats = h('p', { class: 'stats', 'data-testid': 'explain-stats' });
    const words = h('div', { class: 'image-grid checkerboard-tiles', role: 'list', 'data-testid': 'word-maps' });
    const judgeNotices = new Notices();
    const verdict = h('p', { class: 'stats', 'data-testid': 'judge-verdict' });
    const cam = h('div', { class: 'image-grid checkerboard-tiles', role: 'list', 'data-testid': 'grad-cam' });
    const plotNotices = new Notices();
    const plot = h('div', { 'data-testid': 'attention-distance' });
    const form = h('form', { class: 'panel', 'aria-label': 'Explain settings' }, prompt.el, seed.el, h('p', { class: 'hint' }, `The emoji model draws with ${STEPS} DDIM steps at guidance ${GUIDANCE}.`), buttons.el);
    root.append(
      ...pageHeader('Explain', 'Look inside the models: where each prompt word steers the drawing, where the judge finds its verdict, and how far a vision transformer attends.'),
      model.el,
      h(
        'div',
        { class: 'page-layout' },
        form,
        h(
          'section',
          { class: 'panel', 'aria-label': 'Explanations' },
          h('h2', {}, 'Where each word looks'),
          h('p', { class: 'hint' }, "Cross-attention of the U-Net on each word of the prompt, averaged over its heads, layers and steps: red where the word's attention is highest, blue where it is lowest."),
          stats,
          words,
          h('h2', {}, 'What the judge sees'),
          h('p', { class: 'hint' }, "Grad-CAM of the emoji judge (a classifier of category and style) for the class it picks: where on the image its evidence lies."),
          judgeNotices.el,
          verdict,
          cam,
          h('h2', {}, "How far the ViT's heads look"),
          h('p', { class: 'hint' }, 'Mean attention distance of every head of the CLIP image encoder (a ViT), per block, against the distance of uniform attention.'),
          plotNotices.el,
          plot,
        ),
      ),
    );
    setState(root, 'loading-model');

    let generator: Generator | null = null;
    let judge: Promise<Classifier | null> = Promise.resolve(null);
    let alive = true;

    const explainJudge = async (image: GeneratedImage, signal: AbortSignal) => {
      const c = await judge;
      if (!c || signal.aborted) return;
      const m = await c.gradCam(image, { signal });
      verdict.textContent = `${c.manifest.name}: ${m.label}, ${(m.probability * 100).toFixed(1)}%`;
      verdict.dataset.label = m.label;
      cam.replaceChildren(figure(image, 'the image', 'judge-image'), figure(heatOverlay(image, m.map), `Grad-CAM: ${m.label}`, 'cam-overlay'));
    };

    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (!generator) return;
      const g = generator;
      const text = buttons.promptOrWarn(prompt.value, 'The maps show where each word of a prompt looks: name an emoji and a style.');
      if (text === null) return;
      void buttons.run(async (signal) => {
        words.replaceChildren();
        cam.replaceChildren();
        verdict.textContent = '';
        const t0 = performance.now();
        stats.textContent = 'Drawing…';
        const image = await g.textToImage({ prompt: text, steps: STEPS, guidanceScale: GUIDANCE, seed: seed.value, attentionMaps: true, signal });
        const maps = image.attentionMaps!;
        const P = maps.width * maps.height;
        words.replaceChildren(
          figure(image, 'the image', 'drawn'),
          ...maps.tokens.map((word, k) => {
            const f = figure(heatOverlay(image, maps.maps.subarray(k * P, (k + 1) * P)), word, 'word-map');
            f.dataset.word = word;
            return f;
          }),
        );
        stats.textContent = `${maps.tokens.length} word${maps.tokens.length === 1 ? '' : 's'} · ${formatMs(performance.now() - t0)}${image.unknownWords?.length ? ` · unknown to the model: ${image.unknownWords.join(', ')}` : ''}`;
        await explainJudge(image, signal);
      });
    });

    const openJudge = () => {
      const load = loadClassifier(ctx.config.judge, ctx.config.backend, () => undefined);
      judge = load.promise.then(
        (l) => l.model,
        (err) => {
          if (alive) judgeNotices.error(err, 'judge');
          return null;
        },
      );
    };

    const openPlot = async () => {
      const url = `${ctx.config.vit.replace(/\/+$/, '')}/attention-distance.json`;
      try {
        const res = await fetch(url);
        if (!res.ok) throw new Error(`${url} answered ${res.status} ${res.statusText}`);
        const j = checkDistanceJson(await res.json());
        if (alive) plot.replaceChildren(distancePlot(j), h('p', { class: 'hint' }, `${j.inputs} inputs, ${j.grid.rows}×${j.grid.cols} patches of ${j.grid.patchSize} px.`));
      } catch (err) {
        if (alive) plotNotices.show('warning', 'The attention distances are not available', `${(err as Error).message}. Make them with webgen explain attention-distance --model <vit folder> --json <vit folder>/attention-distance.json.`, 'plot');
      }
    };

    void model.open(ctx.config.emoji, needsText, ctx).then((g) => {
      if (!g) {
        if (root.isConnected) setState(root, 'unavailable');
        return;
      }
      if (!g.manifest.files.unet?.outputs.some((o) => o.name.startsWith('cross_attention_'))) {
        model.notices.show('error', `'${g.manifest.name}' has no cross-attention outputs`, 'Re-export it with webgen-train reexport --model <its folder> to see where each word looks.', 'model');
        setState(root, 'unavailable');
        return;
      }
      generator = g;
      openJudge();
      buttons.ready();
    });
    void openPlot();

    return () => {
      alive = false;
      buttons.stop();
      model.close();
    };
  },
};
