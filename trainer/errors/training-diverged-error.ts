import { WebgenError } from './webgen-error.js';

/**
 * The loss became NaN or ±Infinity, or rose far above its running average (trainer/train/loss-watch.ts): the run
 * stopped before saving the diverged weights. The message says which checkpoint, if any, is left to resume from.
 */
export class TrainingDivergedError extends WebgenError {}
