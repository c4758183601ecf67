/** Model download progress over all of a model's files, with sizes ("1.2 MB of 4.5 MB"), fed by createGenerator's onProgress. */
import type { ProgressEvent } from 'webgen';
import { formatBytes, h } from '../dom.js';

export class ProgressBar {
  readonly el = h('div', { class: 'progress', hidden: true });
  private readonly bar = h('progress', { max: 1, value: 0, 'aria-label': 'Model download' });
  private readonly text = h('div', { class: 'progress-text', 'aria-live': 'polite' });
  private readonly files = new Map<string, { loaded: number; total: number; fromCache: boolean }>();

  constructor() {
    this.el.append(this.bar, this.text);
  }

  start(label: string): void {
    this.files.clear();
    this.el.hidden = false;
    this.bar.removeAttribute('value');
    this.text.textContent = label;
  }

  update(e: ProgressEvent): void {
    if (e.status === 'download') this.files.set(e.file, { loaded: 0, total: e.total, fromCache: e.fromCache });
    else if (e.status === 'progress') {
      const f = this.files.get(e.file) ?? { loaded: 0, total: e.total, fromCache: false };
      this.files.set(e.file, { ...f, loaded: e.loaded, total: e.total || f.total });
    } else if (e.status === 'ready') {
      this.bar.max = 1;
      this.bar.value = 1;
      this.text.textContent = `Model ready: ${formatBytes(e.total)} in ${this.files.size || 1} file${this.files.size === 1 ? '' : 's'}${this.allCached() ? ' (from the browser cache)' : ''}.`;
      return;
    } else return;
    let loaded = 0;
    let total = 0;
    for (const f of this.files.values()) {
      loaded += f.loaded;
      total += f.total;
    }
    if (total > 0) {
      this.bar.max = total;
      this.bar.value = Math.min(loaded, total);
    }
    const names = [...this.files.keys()].join(', ');
    this.text.textContent = `${this.allCached() ? 'Reading from cache' : 'Downloading'} ${names}: ${formatBytes(loaded)} of ${formatBytes(total)}`;
  }

  /** Keeps the last line, marks it failed. */
  fail(text: string): void {
    this.el.hidden = false;
    this.bar.max = 1;
    this.bar.value = 0;
    this.text.textContent = text;
  }

  private allCached(): boolean {
    return this.files.size > 0 && [...this.files.values()].every((f) => f.fromCache);
  }
}
