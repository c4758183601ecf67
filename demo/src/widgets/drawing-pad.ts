/** A canvas to draw on with a finger, a pen or a mouse (pointer events), with colours, brush size, clear and image upload. */
import { h, newId } from '../dom.js';

/** The procedural shapes' dark background (level 0.1): a drawing on it looks like the training data. */
const DARK_BACKGROUND = '#1a1a1a';
const SWATCHES = ['#000000', '#ffffff', '#e53935', '#43a047', '#1e88e5', '#fdd835', '#8e24aa'];

export class DrawingPad {
  readonly el: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private color = '#e53935';
  private size = 28;
  private readonly listeners = new Set<() => void>();
  private readonly uploadErrorListeners = new Set<(message: string) => void>();
  /** The uploaded or picked picture while nothing has been drawn over it (transparent pads only). */
  private source: ImageBitmap | HTMLImageElement | null = null;

  /**
   * `background`: what Clear paints, by default the shapes models' dark background; null for a transparent pad (models
   * with an alpha channel, such as the emoji autoencoders), where an uploaded image also replaces the picture.
   */
  constructor(
    readonly resolution = 256,
    private readonly background: string | null = DARK_BACKGROUND,
  ) {
    this.canvas = h('canvas', { width: resolution, height: resolution, 'aria-label': 'Drawing pad: draw the starting picture', role: 'img', tabindex: 0 });
    this.ctx = this.canvas.getContext('2d', { willReadFrequently: true })!;
    const colorId = newId('pad-color');
    const sizeId = newId('pad-size');
    const fileId = newId('pad-file');
    const colorInput = h('input', { id: colorId, type: 'color', value: this.color });
    colorInput.addEventListener('input', () => (this.color = colorInput.value));
    const swatches = SWATCHES.map((c) =>
      h('button', { type: 'button', class: 'swatch', style: `background:${c}`, 'aria-label': `Colour ${c}`, onclick: () => ((this.color = c), (colorInput.value = c)) }),
    );
    const sizeInput = h('input', { id: sizeId, type: 'range', min: 4, max: 80, value: this.size });
    sizeInput.addEventListener('input', () => (this.size = Number(sizeInput.value)));
    const file = h('input', { id: fileId, type: 'file', accept: 'image/*', 'data-testid': 'pad-upload' });
    file.addEventListener('change', () => {
      const f = file.files?.[0];
      if (!f) return;
      this.loadFile(f).catch((err: unknown) => {
        file.value = ''; // choosing the same file again fires 'change' again
        const type = f.type ? ` (${f.type})` : '';
        const why = `“${f.name}”${type} is not a picture this browser can read (${(err as Error)?.name ?? 'error'}). Upload a PNG, JPEG, WebP or GIF.`;
        for (const fn of this.uploadErrorListeners) fn(why);
      });
    });
    this.el = h(
      'div',
      { class: 'pad' },
      this.canvas,
      h('div', { class: 'tools' }, ...swatches, h('label', { for: colorId, class: 'label' }, 'Colour'), colorInput),
      h('div', { class: 'field' }, h('label', { for: sizeId }, 'Brush size'), sizeInput),
      h('div', { class: 'tools' }, h('button', { type: 'button', onclick: () => this.clear() }, 'Clear'), h('button', { type: 'button', onclick: () => this.drawExample() }, 'Example')),
      h('div', { class: 'field' }, h('label', { for: fileId }, 'Or upload an image'), file),
    );
    this.bindPointer();
    this.drawExample();
  }

  /** Called with a readable sentence when an uploaded file cannot be decoded (the picture stays as it was). */
  onUploadError(fn: (message: string) => void): void {
    this.uploadErrorListeners.add(fn);
  }

  /** Called after every change to the picture. */
  onChange(fn: () => void): void {
    this.listeners.add(fn);
  }

  /**
   * What a page should hand a model: on a transparent pad the uploaded or picked picture itself while nothing has been
   * drawn over it (one resampling, straight to the model's size, instead of two through the pad's resolution: a
   * translator trained on exact 64-pixel emoji drew a visibly worse picture from the twice-resampled one), else the
   * pad's canvas.
   */
  get picture(): ImageBitmap | HTMLImageElement | HTMLCanvasElement {
    return this.source ?? this.canvas;
  }

  /** Forgets the source picture (something was drawn over it, or it was replaced). */
  private dropSource(): void {
    if (this.source && 'close' in this.source) this.source.close();
    this.source = null;
  }

  /** Paints the whole pad one colour (null: transparent): by default the pad's background. */
  clear(background: string | null = this.background): void {
    this.dropSource();
    if (background === null) this.ctx.clearRect(0, 0, this.resolution, this.resolution);
    else {
      this.ctx.fillStyle = background;
      this.ctx.fillRect(0, 0, this.resolution, this.resolution);
    }
    this.changed();
  }

  /** A starting picture, so the page works before anyone draws. */
  drawExample(): void {
    const r = this.resolution;
    this.clear();
    this.ctx.fillStyle = '#e53935';
    this.ctx.beginPath();
    this.ctx.arc(r * 0.5, r * 0.5, r * 0.28, 0, Math.PI * 2);
    this.ctx.fill();
    this.changed();
  }

  /** Draws an uploaded image, centred and covering the pad. */
  async loadFile(file: Blob): Promise<void> {
    const bitmap = await createImageBitmap(file);
    // drawImage keeps it as the source on a transparent pad (closed when replaced), else it is done with
    this.drawImage(bitmap);
    if (this.source !== bitmap) bitmap.close();
  }

  /** Draws a picture centred and covering the pad (on a transparent pad, instead of what was there). */
  drawImage(image: ImageBitmap | HTMLImageElement): void {
    const r = this.resolution;
    const scale = Math.max(r / image.width, r / image.height);
    const w = image.width * scale;
    const hh = image.height * scale;
    this.dropSource();
    if (this.background === null) this.ctx.clearRect(0, 0, r, r);
    this.ctx.drawImage(image, (r - w) / 2, (r - hh) / 2, w, hh);
    if (this.background === null) this.source = image;
    this.changed();
  }

  private bindPointer(): void {
    let last: { x: number; y: number } | null = null;
    const point = (e: PointerEvent) => {
      const rect = this.canvas.getBoundingClientRect();
      return { x: ((e.clientX - rect.left) / rect.width) * this.resolution, y: ((e.clientY - rect.top) / rect.height) * this.resolution };
    };
    const stroke = (to: { x: number; y: number }) => {
      this.dropSource();
      const from = last ?? to;
      this.ctx.strokeStyle = this.color;
      this.ctx.lineWidth = this.size;
      this.ctx.lineCap = 'round';
      this.ctx.beginPath();
      this.ctx.moveTo(from.x, from.y);
      this.ctx.lineTo(to.x, to.y);
      this.ctx.stroke();
      last = to;
    };
    this.canvas.addEventListener('pointerdown', (e) => {
      this.canvas.setPointerCapture(e.pointerId);
      last = null;
      stroke(point(e));
    });
    this.canvas.addEventListener('pointermove', (e) => {
      if (last) stroke(point(e));
    });
    const end = () => {
      if (last) this.changed();
      last = null;
    };
    this.canvas.addEventListener('pointerup', end);
    this.canvas.addEventListener('pointercancel', end);
  }

  private changed(): void {
    for (const fn of this.listeners) fn();
  }
}
