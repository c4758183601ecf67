/** The trainer's data sets: the contract, the sources, and the `--data` spec resolver. */
export { batchIterator, splitDataset, subsetDataset, type Batch, type Dataset, type Example } from './dataset.js';
export * from './shapes.js';
export { findMnist, loadIdxDataset, parseIdx, readIdxFile, type IdxDatasetOptions } from './mnist-idx.js';
export { loadImageFolder, type ImageFolderOptions } from './image-folder.js';
export { DATA_SPEC_FORMS, openDataset, type OpenDatasetOptions } from './open-dataset.js';
export { withChannels } from './with-channels.js';
