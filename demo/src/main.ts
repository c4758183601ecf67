/**
 * The webgen demo: one page per route (#/text, #/img2img, #/emoji, #/digits, #/gan, #/fid, #/latent, #/ask, #/explain, #/restyle), each built from
 * the SDK's public API only (imported as 'webgen', served from ./sdk/ beside this file). Switching pages tears the old
 * one down (its running generation is cancelled); loaded models are kept for the visit.
 */
import { readConfig } from './config.js';
import { readableError } from './errors.js';
import { h } from './dom.js';
import type { Page } from './pages/common.js';
import { askModelPage } from './pages/ask-model.js';
import { digitsPage } from './pages/digits.js';
import { emojiPage } from './pages/emoji.js';
import { explainPage } from './pages/explain.js';
import { fidLabPage } from './pages/fid-lab.js';
import { ganExplorerPage } from './pages/gan-explorer.js';
import { img2imgPage } from './pages/img2img.js';
import { latentSpacePage } from './pages/latent-space.js';
import { restylePage } from './pages/restyle.js';
import { textToImagePage } from './pages/text-to-image.js';
import { showBackend } from './widgets/backend-badge.js';

const PAGES: Page[] = [textToImagePage, img2imgPage, emojiPage, digitsPage, ganExplorerPage, fidLabPage, latentSpacePage, askModelPage, explainPage, restylePage];
const app = document.getElementById('app')!;
const config = readConfig();
let teardown: (() => void) | undefined;

function route(): Page {
  const name = location.hash.replace(/^#\/?/, '').split(/[?/]/)[0];
  return PAGES.find((p) => p.route === name) ?? textToImagePage;
}

function render(): void {
  teardown?.();
  teardown = undefined;
  showBackend(null);
  const page = route();
  for (const a of document.querySelectorAll<HTMLAnchorElement>('#nav a')) {
    if (a.dataset.route === page.route) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
    // The query string (?model=…, ?backend=…) carries over between pages.
    a.href = `${location.search}#/${a.dataset.route}`;
  }
  const root = h('div', { class: 'page', 'data-page': page.route });
  app.replaceChildren(root);
  document.title = `${page.title} · webgen demo`;
  try {
    teardown = page.mount(root, { config });
  } catch (err) {
    showFatal(root, err);
  }
}

/** Whatever escapes a page still ends as a readable message, never a blank page. */
function showFatal(root: HTMLElement, err: unknown): void {
  const r = readableError(err);
  root.append(h('div', { class: 'notice', 'data-kind': 'error', role: 'alert', 'data-key': 'fatal' }, h('strong', {}, r.title), h('span', {}, r.detail)));
  root.dataset.state = 'error';
}

window.addEventListener('unhandledrejection', (e) => {
  const root = app.querySelector<HTMLElement>('.page');
  if (root) showFatal(root, e.reason);
});
window.addEventListener('hashchange', render);
render();
