/** Judging classifiers (and FID/KID feature extractors): data, training, export, judging. */
export { CLASSIFIER_DATA, openClassifierData, type ClassifierData, type ClassifierDataOptions, type ClassifierDataSplit } from './classifier-data.js';
export { trainClassifier, type TrainClassifierOptions, type TrainClassifierResult } from './train-classifier.js';
export { evaluateClassifier, type ClassifierEvaluation } from './evaluate.js';
export { exportClassifier, type ExportClassifierOptions, type ExportClassifierResult } from './export-classifier.js';
export { judgeSamples, type JudgeImages, type JudgeOptions, type JudgeResult } from './judge.js';
export { shapeColourAccuracy } from './shapes-verdict.js';
export { randomShift } from './augment.js';
