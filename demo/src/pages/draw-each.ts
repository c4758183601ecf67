/**
 * The image-by-image run of the prompt pages (text to image, Emoji): `n` images drawn one after another, each forming
 * live in the preview, then added to the grid with its seed and time; the timer says which image of how many.
 */
import type { GeneratedImage, StepInfo } from 'webgen';
import { paint, type ImageGrid } from '../widgets/image-grid.js';
import type { StepTimer } from './common.js';

export interface DrawEachOptions {
  /** How many images. */
  n: number;
  /** What the status calls one ('Image', 'Emoji'). */
  noun: string;
  preview: HTMLCanvasElement;
  timer: StepTimer;
  grid: ImageGrid;
  /** Draws image `i`, reporting its steps to `onStep`. */
  draw: (i: number, onStep: (info: StepInfo) => void) => Promise<GeneratedImage>;
  /** Called with each image and its grid figure (a page adds lines under it). */
  each?: (image: GeneratedImage, figure: HTMLElement) => void;
}

export async function drawEach(o: DrawEachOptions): Promise<void> {
  const { n, noun, preview, timer, grid } = o;
  for (let i = 0; i < n; i++) {
    timer.start(n > 1 ? `${noun} ${i + 1} of ${n}…` : 'Starting…');
    const image = await o.draw(i, (info) => {
      paint(preview, info.preview);
      timer.step(info, n > 1 ? `${noun} ${i + 1}/${n} · ` : '');
    });
    paint(preview, image);
    if (i === 0) grid.clear();
    const [figure] = grid.add([{ image, caption: `seed ${image.seed} · ${Math.round(image.timings.totalMs)} ms` }]);
    o.each?.(image, figure!);
    timer.done(i + 1);
  }
}
