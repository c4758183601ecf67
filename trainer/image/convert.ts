/** The pixel conversions live in the SDK's core (sdk/image/pixels.ts), shared by the SDK, FID and the trainer. */
export { convertChannels, fromUint8, toUint8 } from '../../sdk/image/pixels.js';
