/**
 * What a diverged run tells its user, true in each case: which checkpoint is left (its step) or that none was
 * written, and the way on from there (--resume with new flags, or a fresh start).
 */
export interface DivergenceReport {
  /** LossWatch.judge's reason: "loss became NaN", "loss 6.1e+17 is …× its running average …". */
  reason: string;
  /** The step whose loss it was (1-based: the loss of the weights after step - 1 updates). */
  step: number;
  /** Step of the last checkpoint this run (or the run it resumed) wrote; undefined when none. */
  lastSaved: number | undefined;
  ckptPath: string;
  /** A fresh run found a checkpoint of an earlier run in its folder (it is left as it was). */
  earlierCheckpoint: boolean;
  /** The flags to change, with their values: "a lower --lr (now 1e9) or --grad-clip (now 0)". */
  advice: string;
}

export function divergenceMessage(r: DivergenceReport): string {
  const head = `${r.reason} at step ${r.step}: training diverged, and the run stopped without saving the diverged weights. `;
  if (r.lastSaved !== undefined) {
    return head + `Its last good checkpoint is step ${r.lastSaved} (${r.ckptPath}). Try ${r.advice}, then --resume: flags given with --resume override the saved ones.`;
  }
  return (
    head +
    `It had written no checkpoint yet, so nothing was saved` +
    (r.earlierCheckpoint ? ` (the ${r.ckptPath} already in the folder is from an earlier run and was left as it was)` : '') +
    `. Try ${r.advice} and start again, without --resume.`
  );
}
