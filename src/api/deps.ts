import type { Authenticator } from '../auth/authenticate.js';
import type { Asset } from '../capture/assets.js';
import type { CallbackDispatcher } from '../capture/callbacks.js';
import type { ChallengeStore } from '../challenge/store.js';
import type { Config } from '../config/index.js';
import type { ErrorName } from '../core/errors.js';
import type { FaceTemplate, Inference } from '../core/inference.js';
import type { Db } from '../store/db.js';
import type { SessionRepository } from '../store/sessions.js';
import type { ApiMetrics } from './metrics.js';
import type { UploadDir } from './uploads.js';

/** The identity registry as the API uses it (src/identity owns the codes -5801/-5803/-5804). */
export interface IdentityLookup {
  lookup(number: string, name: string): { ok: true; template: FaceTemplate } | { ok: false; error: ErrorName };
}

/** src/fetch's safe URL download; throws on any failure (answered as -5805). */
export type FetchImage = (url: string, opts: Config['fetch']) => Promise<Uint8Array>;

/** Everything a route needs, built once by buildServer. */
export interface ApiDeps {
  config: Config;
  db: Db;
  clock: () => number;
  auth: Authenticator;
  challenges: ChallengeStore;
  inference: Inference;
  identity: IdentityLookup;
  fetchImage: FetchImage;
  metrics: ApiMetrics;
  /** Where uploads are streamed to (`<dataDir>/tmp`). */
  uploads: UploadDir;
  /** Hosted capture flow: sessions, their callbacks and the page's built files (null: not built). */
  sessions: SessionRepository;
  callbacks: CallbackDispatcher;
  captureAssets: Map<string, Asset> | null;
}
