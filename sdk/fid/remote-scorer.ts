/**
 * createFidScorer for browsers: starts an SDK worker, opens the extractor and the reference statistics there
 * (worker-scorer.ts) and returns an ImageFidScorer whose calls post to it. The page packs each call's images into one
 * buffer and transfers it; typed errors come back as the same classes (worker/connection.ts).
 */
import { transfer, type Remote } from 'comlink';
import { resolveAssetsUrl } from '../loader/assets-url.js';
import { InvalidInputError } from '../errors/invalid-input-error.js';
import type { WorkerApi } from '../worker.js';
import { pageUrl, progressProxy, WorkerConnection } from '../worker/connection.js';
import type { CreateFidScorerOptions, FidExtractorInfo, FidImages, FrechetOptions, FrechetResult, ImageFidScorer, InceptionScore, InceptionScoreRequest, KidOptions, KidResult, Side } from './api-types.js';
import { packedBuffer, packImages } from './packed-images.js';
import { checkFidScorerOptions, checkSide, extractorUrlOf, inceptionRequest, statsBytes } from './scorer-options.js';

/**
 * Opens a FID scorer in a new SDK worker. Resolves when the extractor is downloaded (or read from the Cache API),
 * verified and running, and the reference statistics (if any) are loaded; see api-types.ts CreateFidScorerOptions.
 *
 *   const scorer = await createFidScorer({ extractor: '/models/mnist-classifier', reference: '/models/mnist-classifier/reference-stats.fidstats' });
 *   await scorer.addFake(await generator.sample({ batch: 64 }));
 *   const { fid } = await scorer.fid();
 */
export async function createFidScorer(options: CreateFidScorerOptions): Promise<ImageFidScorer> {
  const o = checkFidScorerOptions(options, ['auto', 'webgpu', 'wasm']);
  const base = pageUrl();
  const assetsUrl = resolveAssetsUrl(o.assetsUrl, base);
  const extractorUrl = extractorUrlOf(o.extractor, base).href;
  const reference = o.reference instanceof Uint8Array ? o.reference.slice() : undefined;
  const referenceUrl = o.reference !== undefined && !reference ? new URL(String(o.reference), base).href : undefined;
  const req = {
    extractorUrl,
    ...(referenceUrl && { referenceUrl }),
    ...(reference && { reference }),
    inception: o.inception,
    outputName: o.outputName,
    inputShape: o.inputShape,
    kidSamples: o.kidSamples,
    seed: o.seed,
    backend: o.backend ?? 'wasm',
    threads: o.threads,
    cache: o.cache ?? true,
    ...(assetsUrl && { assetsUrl }),
  };
  const { connection, loaded } = await WorkerConnection.open(assetsUrl, (remote) =>
    remote.fidOpen(reference ? transfer(req, [reference.buffer as ArrayBuffer]) : req, progressProxy(o.onProgress)),
  );
  return new RemoteFidScorer(connection, loaded);
}

/** An ImageFidScorer whose extractor and statistics live in the SDK worker. */
class RemoteFidScorer implements ImageFidScorer {
  constructor(
    private readonly connection: WorkerConnection,
    readonly extractor: FidExtractorInfo,
  ) {}

  addReal(images: FidImages): Promise<number> {
    return this.add('real', images);
  }

  addFake(images: FidImages): Promise<number> {
    return this.add('fake', images);
  }

  counts(): Promise<Record<Side, number>> {
    return this.call((remote) => remote.fidCounts());
  }

  fid(options?: FrechetOptions): Promise<FrechetResult> {
    return this.call((remote) => remote.fidScore(plainOptions(options, 'fid', '{ eps: 1e-6 }')));
  }

  kid(options?: KidOptions): Promise<KidResult> {
    return this.call((remote) => remote.fidKid(plainOptions(options, 'kid', '{ subsets: 100 }')));
  }

  inceptionScore(options?: InceptionScoreRequest): Promise<InceptionScore> {
    return this.call((remote) => remote.fidInceptionScore(inceptionRequest(options)));
  }

  saveStats(side: Side = 'real', note?: string): Promise<Uint8Array> {
    return this.call((remote) => {
      if (note !== undefined && typeof note !== 'string') throw new InvalidInputError('note', 'must be a string', note);
      return remote.fidSaveStats(checkSide(side), note);
    });
  }

  clear(side: Side): Promise<void> {
    return this.call((remote) => remote.fidClear(checkSide(side)));
  }

  loadStats(side: Side, stats: Uint8Array | ArrayBuffer): Promise<void> {
    return this.call((remote) => {
      const bytes = statsBytes(stats).slice();
      return remote.fidLoadStats(checkSide(side), transfer(bytes, [bytes.buffer]));
    });
  }

  dispose(): Promise<void> {
    return this.connection.dispose((remote) => remote.fidDispose());
  }

  private add(side: Side, images: FidImages): Promise<number> {
    return this.call((remote) => {
      const packed = packImages(images);
      return remote.fidAdd(side, transfer(packed, [packedBuffer(packed)]));
    });
  }

  /** Posts unless disposed; the checks in `post` reject rather than throw. */
  private call<T>(post: (remote: Remote<WorkerApi>) => Promise<T>): Promise<T> {
    return this.connection.call(`the FID scorer of '${this.extractor.name}' was disposed; call createFidScorer again`, post);
  }
}

function plainOptions<T>(options: T | undefined, method: string, example: string): T | undefined {
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    throw new InvalidInputError('options', `of ${method}() must be an object like ${example}`, options);
  }
  return options === undefined ? undefined : { ...options };
}
