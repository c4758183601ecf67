/** Pixels in and out for the trainer: PNG/JPEG codecs, conversions, resizing, sample grids. */
export { encodePng } from './encode-png.js';
export { decodeImage, type DecodedImage } from './decode-image.js';
export { convertChannels, fromUint8, toUint8 } from '../../sdk/image/pixels.js';
export { centerCropBox, cropImage } from './crop.js';
export { resizePixels } from '../../sdk/image/resize.js';
export { renderImageGrid, writeImageGrid, type ImageGridOptions, type ImageStackShape } from './image-grid.js';
