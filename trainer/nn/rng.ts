/**
 * Small seeded pseudo-random generator for parameter initialisation.
 * Deterministic across backends and runs: the same seed gives the same weights bit for bit,
 * which tfjs' own initialisers do not promise (they depend on the backend's random kernels).
 */
export class Rng {
  private state: number;

  /** @param seed any integer; equal seeds give equal streams. */
  constructor(seed: number) {
    // Scramble the seed so that nearby seeds (0, 1, 2…) give unrelated streams.
    this.state = (Math.imul((seed | 0) ^ 0x9e3779b9, 0x85ebca6b) >>> 0) || 1;
  }

  /** Uniform in [0, 1) (mulberry32). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [-bound, bound). */
  uniform(bound: number): number {
    return (this.next() * 2 - 1) * bound;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next(); // (0, 1], keeps log finite
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A new independent generator derived from this one (for sub-streams). */
  fork(): Rng {
    return new Rng(Math.floor(this.next() * 0x7fffffff));
  }
}
