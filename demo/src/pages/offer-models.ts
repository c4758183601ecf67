/**
 * The model select of a page that takes one model of a kind (Latent space, Restyle): fills it with the candidates
 * whose manifest says `kind` (ModelSection.discover says in words when there is none, and the page turns
 * 'unavailable'), opens the first, and opens the one chosen on each change. Switching releases the previous model,
 * and nothing runs until the new one is ready; a load that finishes after a newer one started is dropped.
 */
import type { ActiveBackend, Manifest, ModelKind, ProgressEvent } from 'webgen';
import { wasmThreads } from '../config.js';
import { h } from '../dom.js';
import { checkModel } from '../models.js';
import { showBackend } from '../widgets/backend-badge.js';
import type { Control } from '../widgets/controls.js';
import { setState, type KindWords, type ModelSection } from './common.js';

interface OneModel {
  readonly backend: ActiveBackend;
  dispose(): Promise<void>;
}

export interface OfferModels<M extends OneModel> {
  root: HTMLElement;
  model: ModelSection;
  which: Control<string> & { select: HTMLSelectElement };
  urls: readonly string[];
  kind: ModelKind;
  words: KindWords;
  /** Loads the model at `url` (createAutoencoder, createTranslator) with the manifest the list already read. */
  create(url: string, manifest: Manifest | undefined, threads: number, onProgress: (e: ProgressEvent) => void): Promise<M>;
  /** Before a model opens: stop what runs, disable the controls. */
  closing(): void;
  /** The model is open: size the canvases, enable the controls. */
  opened(m: M): void;
}

/** Offers the models (see the module comment); `current()` is the open one, `close()` leaves the page. */
export function offerModels<M extends OneModel>(o: OfferModels<M>): { current(): M | null; close(): void } {
  let current: M | null = null;
  let alive = true;
  let opening = 0;
  const open = async (url: string) => {
    const token = ++opening;
    const previous = current;
    current = null;
    o.closing();
    setState(o.root, 'loading-model');
    void previous?.dispose();
    o.model.progress.start(`Loading ${url}…`);
    try {
      // the manifest the model list already read (checkModel): the load does not fetch it again
      const avail = await checkModel(url);
      const loaded = await o.create(url, avail.ok ? avail.manifest : undefined, wasmThreads(), (e) => o.model.onProgress(e));
      if (!alive || token !== opening) return void loaded.dispose();
      current = loaded;
      showBackend(loaded.backend, wasmThreads());
      o.opened(loaded);
    } catch (err) {
      if (!alive || token !== opening) return;
      o.model.progress.fail(`Loading ${url} failed.`);
      o.model.notices.error(err, 'model');
      setState(o.root, 'error');
      o.which.setDisabled(o.which.select.options.length < 2);
    }
  };
  o.which.select.addEventListener('change', () => {
    o.model.notices.clear('model');
    void open(o.which.value);
  });
  void (async () => {
    const usable = await o.model.discover(o.urls, o.kind, o.words);
    if (!alive) return;
    if (usable.length === 0) {
      setState(o.root, 'unavailable');
      o.which.setDisabled(true);
      return;
    }
    o.which.select.replaceChildren(...usable.map((f) => h('option', { value: f.url }, f.manifest.name)));
    o.which.setDisabled(usable.length < 2);
    await open(usable[0]!.url);
  })();
  return {
    current: () => current,
    close: () => {
      alive = false;
      void current?.dispose();
    },
  };
}
