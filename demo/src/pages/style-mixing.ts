/**
 * The GAN explorer's part for style-based generators (gan.styleLayers set, e.g. mnist-stylegan): a ψ slider (the
 * truncation trick in w, the SDK's truncationPsi) for the grid and the path, and a style-mixing grid (Karras et al.
 * 2019, Fig. 3) through gan.mix(): the first MIX grid samples give the coarse layers (rows), the next MIX the fine
 * layers (columns), crossing over at the chosen layer. Hidden for other generators.
 */
import type { Gan } from 'webgen';
import { h } from '../dom.js';
import { slider } from '../widgets/controls.js';
import { imageCanvas } from '../widgets/image-grid.js';

/** Rows (coarse sources) and columns (fine sources) of the mixing grid. */
export const MIX = 4;

export class StyleMixing {
  readonly psi = slider({ label: 'Truncation ψ', name: 'gan-psi', min: 0, max: 1, step: 0.05, value: 1, format: (v) => v.toFixed(2), hint: '1: as trained; lower: closer to the average image, cleaner and less varied.' });
  readonly crossover = slider({ label: 'Crossover layer', name: 'gan-crossover', min: 1, max: 7, step: 1, value: 4, hint: 'Layers before it take the row\'s style (coarse: shape), the rest the column\'s (fine: stroke).' });
  /** The grid: a corner, the fine sources across the top, then per row its coarse source and the mixes. */
  readonly grid = h('div', { class: 'mixing', role: 'table', 'aria-label': 'Style mixing: rows give the coarse styles, columns the fine styles', 'data-testid': 'mixing-grid' });
  readonly section = h('section', { class: 'panel', 'aria-label': 'Style mixing', hidden: true }, h('h2', {}, 'Style mixing'),
    h('p', { class: 'stats' }, `Rows: the first ${MIX} samples' coarse styles; columns: the next ${MIX} samples' fine styles.`), this.crossover.el, this.grid);

  /** Shows the controls for a style-based generator (and sets the crossover range to its layers), hides them otherwise. */
  show(gan: Gan): boolean {
    const L = gan.styleLayers;
    this.section.hidden = L === undefined;
    this.psi.el.hidden = L === undefined;
    this.grid.replaceChildren();
    if (L === undefined) return false;
    const input = this.crossover.el.querySelector('input')!;
    input.max = String(L - 1);
    this.crossover.value = Math.floor(L / 2);
    this.crossover.el.querySelector('output')!.textContent = String(this.crossover.value);
    return true;
  }

  /** ψ for generate()/interpolate(): only for a style-based generator, and only when not 1. */
  psiOption(gan: Gan): { truncationPsi?: number } {
    return gan.styleLayers !== undefined && this.psi.value !== 1 ? { truncationPsi: this.psi.value } : {};
  }

  /** Draws the grid from the grid's latents (and classes): row i mixes sample i with samples MIX…2·MIX−1. */
  async draw(gan: Gan, latents: Float32Array[], labels: number[] | undefined, signal: AbortSignal): Promise<void> {
    if (gan.styleLayers === undefined || latents.length < 2 * MIX) return;
    const psi = this.psiOption(gan);
    const cells: HTMLElement[] = [h('div', { role: 'columnheader', 'aria-label': 'coarse \\ fine' })];
    const fine = latents.slice(MIX, 2 * MIX);
    // The fine sources themselves, across the top (each with its own class).
    const tops = await gan.generate({ latents: concat(fine), ...(labels && { classLabel: labels.slice(MIX, 2 * MIX) }), ...psi, signal });
    tops.forEach((im, j) => cells.push(h('div', { role: 'columnheader' }, imageCanvas(im, `fine source ${j + 1}`))));
    for (let i = 0; i < MIX; i++) {
      const [own] = await gan.generate({ latents: latents[i]!, ...(labels && { classLabel: labels[i]! }), ...psi, signal });
      cells.push(h('div', { role: 'rowheader' }, imageCanvas(own!, `coarse source ${i + 1}`)));
      for (let j = 0; j < MIX; j++) {
        // The class joins z before the mapping: a mix is drawn with its row's class.
        const [im] = await gan.mix({ coarse: latents[i]!, fine: fine[j]!, crossover: this.crossover.value, ...(labels && { classLabel: labels[i]! }), ...psi, signal });
        cells.push(h('div', { role: 'cell' }, imageCanvas(im!, `coarse ${i + 1} with fine ${j + 1}`)));
      }
    }
    this.grid.replaceChildren(...cells);
  }

  setDisabled(disabled: boolean): void {
    this.psi.setDisabled(disabled);
    this.crossover.setDisabled(disabled);
  }
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) (out.set(p, o), (o += p.length));
  return out;
}
