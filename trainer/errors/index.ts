export { WebgenError } from './webgen-error.js';
export { UsageError } from './usage-error.js';
export { DataError } from './data-error.js';
export { OutputError } from './output-error.js';
export { TrainingDivergedError } from './training-diverged-error.js';
