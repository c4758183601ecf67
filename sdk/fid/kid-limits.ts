/**
 * Upper bounds of the KID options, one place for the SDK's checks and the `webgen fid` flags. They keep a typo
 * (`kidSamples: 1e12`, `subsets: 1e9`) from exhausting memory or running for hours, and are far above what the
 * estimate needs: clean-fid and torch-fidelity use 100 subsets of 1,000 out of 10,000–50,000 samples.
 */

/** Most features kept per side (`kidSamples`): the reservoir is rows × dim × 4 bytes (8 GB at 2048-d). */
export const MAX_KID_SAMPLES = 1_000_000;

/** Most subsets (`subsets`), ten times clean-fid's 100: each costs three m × m × dim products (m = 1,000: about a second at 2048-d). */
export const MAX_KID_SUBSETS = 1_000;
