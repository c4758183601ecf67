import { BASE_CONFIG } from './base.js';
import type { TrainConfig } from './train-config.js';

/**
 * A checkpoint's config made current: fields added since it was written take their defaults, and
 * `classConditional` (before --conditioning) becomes conditioning 'class' or 'none'.
 */
export function upgradeConfig(saved: Record<string, unknown>): TrainConfig {
  const { classConditional, ...rest } = saved;
  const legacy = classConditional === undefined || rest.conditioning !== undefined ? {} : { conditioning: classConditional ? 'class' : 'none' };
  return { ...BASE_CONFIG, ...rest, ...legacy } as TrainConfig;
}
