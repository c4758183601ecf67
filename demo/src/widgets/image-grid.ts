/** Images drawn at their own resolution onto canvases, scaled up by CSS (pixelated). */
import type { RgbaImage } from 'webgen';
import { h } from '../dom.js';

/** Draws RGBA pixels onto `canvas`, resizing the canvas to the image. */
export function paint(canvas: HTMLCanvasElement, img: RgbaImage): void {
  if (canvas.width !== img.width) canvas.width = img.width;
  if (canvas.height !== img.height) canvas.height = img.height;
  const data = img.data instanceof Uint8ClampedArray ? img.data : new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length);
  canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(data), img.width, img.height), 0, 0);
}

export function imageCanvas(img: RgbaImage | null, label: string, className = 'pixelated'): HTMLCanvasElement {
  const c = h('canvas', { class: className, role: 'img', 'aria-label': label, width: img?.width ?? 32, height: img?.height ?? 32 });
  if (img) paint(c, img);
  return c;
}

export interface GridItem {
  image: RgbaImage;
  caption: string;
}

export class ImageGrid {
  readonly el = h('div', { class: 'image-grid', role: 'list' });

  clear(): void {
    this.el.replaceChildren();
  }

  /** Adds images; with `onPick`, each tile is a toggle button. Returns their figures (a page may add a line under one). */
  add(items: GridItem[], onPick?: (index: number, tile: HTMLButtonElement) => void): HTMLElement[] {
    return items.map((item) => {
      const index = this.el.childElementCount;
      const canvas = imageCanvas(item.image, item.caption);
      let body: HTMLElement = canvas;
      if (onPick) {
        const tile = h('button', { class: 'tile', type: 'button', 'aria-pressed': 'false', 'aria-label': `Pick ${item.caption}` }, canvas);
        tile.addEventListener('click', () => onPick(index, tile));
        body = tile;
      }
      const figure = h('figure', { role: 'listitem' }, body, h('figcaption', {}, item.caption));
      this.el.append(figure);
      return figure;
    });
  }
}
