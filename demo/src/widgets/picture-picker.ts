/**
 * A picture to hand a model: drawn on a transparent pad, uploaded, or one of the sample emoji (demo/samples, copied to
 * ./samples/ by the build; licences in its NOTICE). The Latent space and Ask the model pages share it.
 */
import { h } from '../dom.js';
import type { Notices } from './notices.js';
import { DrawingPad } from './drawing-pad.js';

export const SAMPLES = [
  { file: 'noto-1f600.png', label: 'Grinning face (Noto)' },
  { file: 'noto-1f34e.png', label: 'Red apple (Noto)' },
  { file: 'noto-1f680.png', label: 'Rocket (Noto)' },
  { file: 'twemoji-1f431.png', label: 'Cat face (Twemoji)' },
  { file: 'twemoji-2b50.png', label: 'Star (Twemoji)' },
  { file: 'twemoji-1f355.png', label: 'Pizza (Twemoji)' },
] as const;

const images = new Map<string, Promise<HTMLImageElement>>();

/** A sample picture, decoded (once per visit). */
export function loadSample(file: string): Promise<HTMLImageElement> {
  let p = images.get(file);
  if (!p) {
    const img = new Image();
    img.src = `./samples/${file}`;
    images.set(file, (p = img.decode().then(() => img)));
    p.catch(() => images.delete(file));
  }
  return p;
}

/** Where the pad's picture came from: 'sample:<file>' for a sample, 'picture' for a drawing or an upload. */
export type PictureSource = `sample:${string}` | 'picture';

export class PicturePicker {
  /** Transparent (the emoji models have an alpha channel): an upload or a sample replaces the picture. */
  readonly pad = new DrawingPad(256, null);
  readonly samples: HTMLElement;
  /** The pad, then the samples. */
  readonly el: HTMLElement[];
  source: PictureSource = 'picture';
  private next: PictureSource | undefined;
  private readonly listeners = new Set<(source: PictureSource) => void>();

  /** `notices`: where a sample that cannot be loaded is said (key 'picture'). */
  constructor(private readonly notices: Notices) {
    this.samples = h(
      'div',
      { class: 'samples', role: 'group', 'aria-label': 'Sample pictures' },
      ...SAMPLES.map((s) => h('button', { type: 'button', name: 'sample', value: s.file, 'aria-label': `Sample: ${s.label}`, title: s.label }, h('img', { src: `./samples/${s.file}`, alt: '', width: 32, height: 32 }))),
    );
    this.el = [this.pad.el, h('div', { class: 'field' }, h('span', { class: 'label' }, 'Or pick a sample'), this.samples)];
    this.samples.addEventListener('click', (e) => {
      const b = (e.target as Element).closest<HTMLButtonElement>('button[name=sample]');
      if (b) this.pick(b.value);
    });
    this.pad.onUploadError((message) => this.notices.show('error', 'That file is not a picture', message, 'picture'));
    this.pad.onChange(() => {
      this.notices.clear('picture');
      this.source = this.next ?? 'picture';
      this.next = undefined;
      for (const fn of this.listeners) fn(this.source);
    });
  }

  /** Called after every change to the picture, with where it came from. */
  onChange(fn: (source: PictureSource) => void): void {
    this.listeners.add(fn);
  }

  /** Puts sample `file` on the pad (the page starts on one, not on an empty pad). */
  pick(file: string): void {
    loadSample(file).then(
      (img) => {
        this.notices.clear('picture');
        this.next = `sample:${file}`;
        this.pad.drawImage(img);
      },
      (err: unknown) => this.notices.show('error', 'The sample could not be loaded', (err as Error)?.message ?? String(err), 'picture'),
    );
  }
}
