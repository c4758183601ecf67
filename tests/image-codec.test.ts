import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { convertChannels, fromUint8, toUint8 } from '../sdk/image/pixels.js';
import { decodeImage } from '../trainer/image/decode-image.js';
import { encodePng } from '../trainer/image/encode-png.js';
import { DataError } from '../trainer/errors/data-error.js';
import { UsageError } from '../trainer/errors/usage-error.js';

const ramp = (n: number, mul: number) => Uint8Array.from({ length: n }, (_, i) => (i * mul) % 256);

describe('encodePng / decodeImage', () => {
  it('round-trips RGBA, RGB and gray pixels exactly', () => {
    const w = 5, h = 3;
    const rgba = ramp(w * h * 4, 7);
    expect(decodeImage(encodePng(rgba, w, h), 'x.png')).toEqual({ width: w, height: h, data: rgba });
    const rgb = ramp(w * h * 3, 11);
    const fromRgb = decodeImage(encodePng(rgb, w, h), 'x.png');
    for (let i = 0; i < w * h; i++) {
      expect([...fromRgb.data.subarray(4 * i, 4 * i + 4)]).toEqual([rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2], 255]);
    }
    const gray = ramp(w * h, 13);
    const fromGray = decodeImage(encodePng(gray, w, h), 'x.png');
    for (let i = 0; i < w * h; i++) {
      expect([...fromGray.data.subarray(4 * i, 4 * i + 4)]).toEqual([gray[i], gray[i], gray[i], 255]);
    }
  });

  it('refuses a PNG whose header declares more than 8192x8192 pixels, before decoding it', () => {
    const png = encodePng(ramp(4 * 4 * 4, 5), 4, 4);
    const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
    view.setUint32(16, 100_000); // IHDR width
    view.setUint32(20, 100_000); // IHDR height: 40 GB of RGBA if decoded
    const err = (() => {
      try {
        decodeImage(png, 'bomb.png');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toBe('bomb.png: is 100000x100000, more than the 67108864 pixels (8192x8192) webgen reads; scale it down first');
  });

  it('writes gray input as a smaller gray PNG', () => {
    const gray = ramp(64 * 64, 3);
    expect(encodePng(gray, 64, 64).length).toBeLessThan(encodePng(convertChannels(gray, 1, 3, 0, 255), 64, 64).length);
  });

  it('rejects a pixel count that matches no channel count', () => {
    expect(() => encodePng(new Uint8Array(10), 2, 2)).toThrow(UsageError);
  });

  it('decodes JPEG by its magic bytes, whatever the file is called', () => {
    const w = 16, h = 8;
    const data = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) data.set([200, 40, 40, 255], 4 * i);
    const bytes = jpeg.encode({ width: w, height: h, data }, 95).data;
    const img = decodeImage(bytes, 'photo.png');
    expect([img.width, img.height]).toEqual([w, h]);
    // Lossy, but a flat colour survives to within a few levels.
    expect(Math.abs(img.data[0]! - 200)).toBeLessThan(6);
    expect(Math.abs(img.data[1]! - 40)).toBeLessThan(6);
    expect(img.data[3]).toBe(255);
  });

  it('names the file for unknown formats and corrupt data', () => {
    expect(() => decodeImage(Uint8Array.of(1, 2, 3, 4), 'a/b.png')).toThrow(/a\/b\.png: not a PNG or JPEG image \(first bytes 01 02 03 04/);
    expect(() => decodeImage(new Uint8Array(0), 'empty.png')).toThrow(/empty file/);
    const png = encodePng(ramp(48, 5), 4, 4);
    expect(() => decodeImage(png.subarray(0, 30), 'cut.png')).toThrow(DataError);
    expect(() => decodeImage(png.subarray(0, 30), 'cut.png')).toThrow(/cut\.png: corrupt PNG/);
    expect(() => decodeImage(Uint8Array.of(0xff, 0xd8, 0xff, 0, 1, 2), 'cut.jpg')).toThrow(/cut\.jpg: corrupt JPEG/);
  });
});

describe('pixel conversions', () => {
  it('maps [-1, 1] to bytes with rounding and clamping, and back', () => {
    expect([...toUint8(Float32Array.of(-1, 1, 0, -2, 2, NaN, 0.5))]).toEqual([0, 255, 128, 0, 255, 0, 191]);
    const bytes = ramp(256, 1);
    expect([...toUint8(fromUint8(bytes))]).toEqual([...bytes]);
  });

  it('converts channel counts: luma, replication, alpha compositing', () => {
    expect([...convertChannels(Uint8Array.of(255, 0, 0), 3, 1, 0, 255)]).toEqual([76]);
    expect([...convertChannels(Uint8Array.of(9), 1, 3, 0, 255)]).toEqual([9, 9, 9]);
    // Half-transparent black over white → mid gray.
    expect([...convertChannels(Uint8Array.of(0, 0, 0, 128), 4, 3, 255, 255)]).toEqual([127, 127, 127]);
    const f = convertChannels(Float32Array.of(1, -1, -1), 3, 1, -1, 1);
    expect(f[0]).toBeCloseTo(0.299 - 0.701, 6);
  });
});
