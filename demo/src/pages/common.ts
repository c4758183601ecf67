/** What every page shares: the model section (availability, download progress, backend notices), run/cancel buttons, step timings. */
import type { Generator, ModelKind, ProgressEvent, StepInfo } from 'webgen';
import type { DemoConfig } from '../config.js';
import { formatMs, h } from '../dom.js';
import { checkModel, findModels, loadGenerator, type Found, type Requirement } from '../models.js';
import { showBackend } from '../widgets/backend-badge.js';
import { Notices } from '../widgets/notices.js';
import { ProgressBar } from '../widgets/progress-bar.js';

/** Lifecycle state of a page, on its root as data-state (tests and CSS read it). */
export type PageState = 'loading-model' | 'unavailable' | 'ready' | 'running' | 'done' | 'cancelled' | 'error';

export interface PageContext {
  config: DemoConfig;
}

export interface Page {
  route: string;
  title: string;
  /** Builds the page into `root`; returns its teardown (stop running work, drop listeners). */
  mount(root: HTMLElement, ctx: PageContext): () => void;
}

export function setState(root: HTMLElement, state: PageState): void {
  root.dataset.state = state;
}

/**
 * Moves the steps and guidance sliders to the model's own defaults (manifest `sampling`, the settings its card
 * measured), when it ships some; the sliders keep the page's values otherwise.
 */
export function useModelDefaults(g: Generator, sliders: { steps?: { value: number }; guidance?: { value: number } }): void {
  const s = g.manifest.sampling;
  if (s?.steps !== undefined && sliders.steps) sliders.steps.value = s.steps;
  if (s?.guidanceScale !== undefined && sliders.guidance) sliders.guidance.value = s.guidanceScale;
}

export function pageHeader(title: string, lead: string): HTMLElement[] {
  return [h('h1', {}, title), h('p', { class: 'lead' }, lead)];
}

/** A page's model status: notices ("not available yet", "WebGPU not available, using WASM") and the download bar. */
export class ModelSection {
  readonly notices = new Notices();
  readonly progress = new ProgressBar();
  readonly el = h('section', { class: 'model-section', 'aria-label': 'Model status' }, this.notices.el, this.progress.el);
  private unsubscribe: (() => void) | undefined;
  private alive = true;

  /** Opens `model` for this page, or says in words why it cannot; resolves null then (and when the page left meanwhile). */
  async open(model: string, requirement: Requirement, ctx: PageContext): Promise<Generator | null> {
    showBackend(null);
    this.progress.start(`Looking for ${model}…`);
    const avail = await checkModel(model);
    if (!this.alive) return null;
    if (!avail.ok) {
      this.progress.el.hidden = true;
      this.notices.show('warning', avail.title, avail.reason, 'model');
      return null;
    }
    const unsuitable = requirement(avail.manifest);
    if (unsuitable) {
      this.progress.el.hidden = true;
      this.notices.show('error', 'This model does not fit this page', unsuitable, 'model');
      return null;
    }
    this.progress.start(`Loading ${avail.manifest.name}…`);
    const load = loadGenerator(model, ctx.config.backend, (e) => {
      if (this.alive) this.onProgress(e);
    });
    this.unsubscribe = load.unsubscribe;
    try {
      const { model: generator, threads } = await load.promise;
      if (!this.alive) return null;
      showBackend(generator.backend, threads);
      return generator;
    } catch (err) {
      if (!this.alive) return null;
      this.progress.fail(`Loading ${avail.manifest.name} failed.`);
      this.notices.error(err, 'model');
      return null;
    }
  }

  /** A load's progress: the download bar, and the notices of a WebGPU fallback, one thread, no cache. */
  onProgress(e: ProgressEvent): void {
    this.progress.update(e);
    if (e.status === 'backend-fallback') this.notices.show('warning', 'WebGPU not available, using WASM', e.reason, 'backend');
    if (e.status === 'warning' && e.code === 'single-threaded') this.notices.show('info', 'WebAssembly runs on one thread', e.message, 'threads');
    if (e.status === 'warning' && e.code === 'no-cache') this.notices.show('info', 'Model files are not cached', e.message, 'cache');
  }

  /**
   * The candidates (the demo's model list, or the one named in the query string) whose manifest says `kind`; when
   * there is none, says why in words (the one named is not there, or is another kind; none of the list is exported
   * yet) and resolves an empty list.
   */
  async discover(urls: readonly string[], kind: ModelKind, words: KindWords): Promise<Found[]> {
    this.progress.start(`Looking for ${words.plural}…`);
    const { checked, usable } = await findModels(urls, kind);
    if (!this.alive || usable.length > 0) return usable;
    this.progress.el.hidden = true;
    const one = urls.length === 1 ? checked[0]! : null;
    if (one && !one.ok) this.notices.show('warning', one.title, one.reason, 'model');
    else if (one?.ok) this.notices.show('error', `'${one.manifest.name}' is not ${words.a}`, `It is a ${one.manifest.kind} model; this page needs a model of kind '${kind}' such as ${words.example} (open it with ?${words.query}=<folder of ${words.a}>).`, 'model');
    else this.notices.show('warning', `No ${words.noun} is available yet`, `None of ${urls.join(', ')} is an exported ${words.noun}. Train and export one (${words.train}, see the README).`, 'model');
    return [];
  }

  close(): void {
    this.alive = false;
    this.unsubscribe?.();
  }
}

/** How ModelSection.discover names a kind of model in its messages. */
export interface KindWords {
  /** 'autoencoder' */
  noun: string;
  /** 'an autoencoder' */
  a: string;
  /** 'autoencoders' */
  plural: string;
  /** A shipped or announced model of the kind: 'emoji-vae'. */
  example: string;
  /** The query-string parameter that names one: 'ae'. */
  query: string;
  /** The command that makes one. */
  train: string;
}

/**
 * Generate + Cancel; runs one job at a time and reports its outcome on the page state and in its own notices, right
 * under the buttons (where the visitor looks after pressing one), not at the top of the page. In the page's form the
 * buttons stick to the bottom of the viewport, so the primary action is in view however long the form is.
 */
export class RunButtons {
  readonly generate: HTMLButtonElement;
  readonly cancel = h('button', { type: 'button', name: 'cancel', disabled: true }, 'Cancel');
  /** Messages about a run or its input (errors, refused prompts): shown under the buttons. */
  readonly notices = new Notices();
  readonly el: HTMLElement;
  private controller: AbortController | undefined;

  constructor(
    private readonly root: HTMLElement,
    label: string,
    private readonly setBusy: (busy: boolean) => void = () => undefined,
  ) {
    this.generate = h('button', { type: 'submit', class: 'primary', name: 'generate', disabled: true }, label);
    this.cancel.addEventListener('click', () => this.controller?.abort());
    this.el = h('div', { class: 'run-controls' }, h('div', { class: 'actions' }, this.generate, this.cancel), this.notices.el);
  }

  ready(): void {
    this.generate.disabled = false;
    setState(this.root, 'ready');
  }

  private timer: StepTimer | undefined;

  /** A status line that a failed run should not leave at "Starting…" or mid-step. */
  track(timer: StepTimer): this {
    this.timer = timer;
    return this;
  }

  /** Runs `job` with an AbortSignal; never throws (errors become notices). */
  async run(job: (signal: AbortSignal) => Promise<void>): Promise<void> {
    if (this.controller) return;
    const controller = new AbortController();
    this.controller = controller;
    this.notices.clear('run');
    this.generate.disabled = true;
    this.cancel.disabled = false;
    this.setBusy(true);
    setState(this.root, 'running');
    // One column (a phone): the result is under the form; bring it into view as the run starts, so its live preview shows.
    if (typeof matchMedia === 'function' && matchMedia('(max-width: 600px)').matches) {
      this.root.querySelector('.page-layout > section.panel')?.scrollIntoView({ block: 'start', behavior: 'smooth' });
    }
    try {
      await job(controller.signal);
      setState(this.root, 'done');
    } catch (err) {
      this.notices.error(err, 'run');
      // a cancelled run keeps its "Step k / n"
      if ((err as Error)?.name !== 'AbortError') this.timer?.fail(err);
      setState(this.root, (err as Error)?.name === 'AbortError' ? 'cancelled' : 'error');
    } finally {
      this.controller = undefined;
      this.generate.disabled = false;
      this.cancel.disabled = true;
      this.setBusy(false);
    }
  }

  /**
   * The trimmed prompt, or null after a 'Type a prompt' warning under the buttons (`hint`: what to type) when it is
   * empty; a non-empty prompt clears an earlier warning.
   */
  promptOrWarn(value: string, hint: string): string | null {
    const text = value.trim();
    if (text === '') {
      this.notices.show('warning', 'Type a prompt', hint, 'prompt');
      return null;
    }
    this.notices.clear('prompt');
    return text;
  }

  /** Stops the running job (page teardown). */
  stop(): void {
    this.controller?.abort();
  }
}

/** Time per step (between onStep callbacks) and in total, as a line of text. */
export class StepTimer {
  readonly el = h('p', { class: 'stats', 'aria-live': 'off', 'data-testid': 'stats' });
  private t0 = 0;
  private last = 0;
  private steps = 0;
  private stepMs = 0;

  start(label = 'Starting…'): void {
    this.t0 = this.last = performance.now();
    this.steps = 0;
    this.stepMs = 0;
    this.el.textContent = label;
  }

  step(info: StepInfo, prefix = ''): void {
    const now = performance.now();
    this.stepMs += now - this.last;
    this.last = now;
    this.steps++;
    this.el.textContent = `${prefix}Step ${info.step} / ${info.total} · ${formatMs(now - this.t0)} · ${formatMs(this.stepMs / this.steps)} per step`;
  }

  /** A run that ended in an error: the status line says so (the notice has the details). */
  fail(err: unknown): void {
    this.el.textContent = `Not drawn: ${(err as Error)?.message ?? String(err)}`;
  }

  done(images: number): void {
    const total = performance.now() - this.t0;
    this.el.textContent = `Done: ${images} image${images === 1 ? '' : 's'}, ${this.steps} steps in ${formatMs(total)} (${this.steps ? formatMs(this.stepMs / this.steps) : '–'} per step)`;
  }
}
