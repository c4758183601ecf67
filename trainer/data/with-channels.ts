import { UsageError } from '../errors/usage-error.js';
import { convertChannels } from '../../sdk/image/pixels.js';
import type { Dataset, Example } from './dataset.js';

/**
 * `ds` with its images converted to `channels` (1 ↔ 3, luma or replication; alpha composited over
 * black, -1). Returns `ds` itself when it already has that many channels.
 */
export function withChannels(ds: Dataset, channels: number): Dataset {
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new UsageError(`channels must be 1, 3 or 4, got ${channels}`);
  }
  if (ds.channels === channels) return ds;
  return {
    name: ds.name,
    size: ds.size,
    width: ds.width,
    height: ds.height,
    channels,
    ...(ds.numClasses !== undefined && { numClasses: ds.numClasses }),
    ...(ds.classNames && { classNames: ds.classNames }),
    get(index: number): Example {
      const ex = ds.get(index);
      return { ...ex, image: convertChannels(ex.image, ds.channels, channels, -1, 1) };
    },
    describe: () => ({ ...ds.describe(), channels }),
  };
}
