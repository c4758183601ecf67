/**
 * The most pixels an input image may have: 8192 × 8192 (256 MiB of RGBA). Larger photos are refused rather than
 * decoded and resized, which on a phone would exhaust memory; scale them down first. Shared by the SDK's image
 * checks and the trainer's PNG/JPEG decoder.
 */
export const MAX_IMAGE_PIXELS = 8192 * 8192;
