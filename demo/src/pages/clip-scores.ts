/**
 * The CLIP score under generated images (text to image, Emoji): when the demo's model list (or ?clip=) has a CLIP model
 * trained on the data the generator draws, it is loaded and scores each image against its prompt; a CLIP of other
 * data only gets a note (a score from a model that never saw such pictures means nothing), and is not loaded.
 */
import type { Clip, GeneratedImage, Generator, Manifest } from 'webgen';
import { sameTrainingData, trainingData } from '../clip-helpers.js';
import { h } from '../dom.js';
import { findModels, loadClip, type Found } from '../models.js';
import type { PageContext } from './common.js';

const said = (m: Manifest) => trainingData(m) ?? 'data its manifest does not name';

/** Why the CLIP models found give no score for this generator. */
export function clipMismatchNote(clips: readonly Found[], generator: Manifest): string {
  const learned = clips.map((c) => `${c.manifest.name} learned ${said(c.manifest)}`).join('; ');
  return `No CLIP score: ${learned}, and ${generator.name} draws ${said(generator)}. A CLIP scores only pictures of the kind it was trained on.`;
}

export class ClipScores {
  /** The line that says which CLIP scores (or why none does); hidden until the model list has a CLIP. */
  readonly note = h('p', { class: 'hint', 'data-testid': 'clip-note', hidden: true });
  /** The CLIP that scores the images: loaded only when one matches the generator's data. */
  private scorer: Promise<Clip> | null = null;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly ctx: PageContext,
  ) {}

  /** The scorer of the moment (null: none); a run takes it once, so a later failure does not change a run midway. */
  get current(): Promise<Clip> | null {
    return this.scorer;
  }

  /** Finds a CLIP of the model list trained on what `g` draws: loads it and shows whose scores these are, or a note. */
  async find(g: Generator): Promise<void> {
    const { usable } = await findModels(this.ctx.config.clips, 'clip');
    if (!this.root.isConnected || usable.length === 0) return;
    const match = usable.find((c) => sameTrainingData(c.manifest, g.manifest));
    this.note.hidden = false;
    if (!match) return void (this.note.textContent = clipMismatchNote(usable, g.manifest));
    const about = `CLIP score by ${match.manifest.name} (trained on ${said(match.manifest)}, as ${g.manifest.name}): how well each image fits its prompt, 0 to 100.`;
    this.note.textContent = `${about} Loading…`;
    const load = loadClip(match.url, this.ctx.config.backend, () => undefined);
    this.unsubscribe = load.unsubscribe;
    this.scorer = load.promise.then((l) => l.model);
    this.scorer.then(
      () => (this.note.textContent = about),
      (err: unknown) => {
        this.scorer = null;
        this.note.textContent = `No CLIP score: ${match.manifest.name} could not be loaded (${(err as Error)?.message ?? String(err)}).`;
      },
    );
  }

  /** Writes "CLIP score NN.N" under `figure` once `clip` has scored the image against its prompt. */
  score(clip: Promise<Clip>, image: GeneratedImage, prompt: string, figure: HTMLElement, signal: AbortSignal): Promise<void> {
    const line = h('p', { class: 'clip-score', 'data-testid': 'clip-score' }, 'CLIP score …');
    figure.append(line);
    return clip
      .then((c) => c.clipScore(image, prompt, { signal }))
      .then(
        ([s]) => void (line.textContent = `CLIP score ${s!.toFixed(1)}`),
        (err: unknown) => {
          line.textContent = 'CLIP score –';
          line.title = (err as Error)?.message ?? String(err);
        },
      );
  }

  dispose(): void {
    this.unsubscribe?.();
  }
}
