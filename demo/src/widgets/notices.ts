/** A stack of readable messages above a page: errors, warnings (e.g. "WebGPU not available, using WASM"), notes. */
import { h } from '../dom.js';
import { readableError } from '../errors.js';

export type NoticeKind = 'info' | 'warning' | 'error';

export class Notices {
  readonly el = h('div', { class: 'notices', 'aria-live': 'polite' });
  private readonly byKey = new Map<string, HTMLElement>();

  /** Shows a notice; one with the same key replaces the previous one. */
  show(kind: NoticeKind, title: string, detail = '', key: string = title): HTMLElement {
    this.byKey.get(key)?.remove();
    const el = h('div', { class: 'notice', 'data-kind': kind, 'data-key': key, role: kind === 'error' ? 'alert' : 'status' }, h('strong', {}, title), detail ? h('span', {}, detail) : null);
    this.byKey.set(key, el);
    this.el.append(el);
    return el;
  }

  /** Shows what went wrong, in words (see errors.ts). */
  error(err: unknown, key = 'run'): void {
    const r = readableError(err);
    this.show(r.kind, r.title, r.detail, key);
  }

  clear(key: string): void {
    this.byKey.get(key)?.remove();
    this.byKey.delete(key);
  }
}
