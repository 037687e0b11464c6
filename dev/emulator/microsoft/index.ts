import { Hono } from 'hono';
import { buildModel } from './data/model';
import { createFaults, type GraphFaults } from './faults';
import type { MicrosoftFixture } from './fixture';
import { graphHttp } from './graph/http';
import { graphRoutes } from './graph/routes';
import type { GraphEnv } from './graph/types';
import { identityRoutes } from './identity/routes';
import { createTokenService } from './identity/tokens';
import { createUrlSigner } from './signer';
import { sharePointWeb } from './web/sharepoint';

export type { MicrosoftFixture } from './fixture';
export type { GraphFaults } from './faults';

export interface MicrosoftEmulatorOptions {
  /** The `"microsoft"` section of `dev/fixtures/demo-tenant.json`. */
  fixture: MicrosoftFixture;
  /** Public origin, e.g. `http://localhost:4100`: nextLinks, redirects and preview URLs are built on it. */
  origin: string;
  /** The registered Entra app; redirect URIs are compared exactly. */
  app: { clientId: string; clientSecret: string; redirectUris: () => string[] };
  /** Default 3600; tests use 1–2 s. */
  accessTokenLifetimeSeconds?: number;
  /** Milliseconds clock, default `Date.now`. */
  now?: () => number;
}

export interface MicrosoftEmulator {
  /** Serves `/graph/v1.0/*`, `/login/*` and `/sharepoint/*`; mount it at `/`. */
  app: Hono;
  faults: { get(): GraphFaults; set(patch: Partial<GraphFaults>): GraphFaults };
  /** Forgets issued codes, refresh tokens, signing keys (so access tokens and preview links die) and faults. */
  reset(): void;
  /** Later refresh_token grants for that person fail with invalid_grant (AADSTS50173). */
  revokeRefreshTokens(userPrincipalNameOrMail: string): void;
  /** Counters since the last reset. `graphRequests` counts HTTP requests (a `$batch` is one); preflights are not counted. */
  stats(): { graphRequests: number; graphBatchParts: number; tokenRequests: number };
}

/**
 * A Microsoft 365 tenant in one Hono app: Entra's authorize/token endpoints and Graph v1.0 over
 * SharePoint, Outlook, Teams chats and To Do, with SharePoint's permission trimming.
 *
 * @example
 * const emu = createMicrosoftEmulator({ fixture: tenant.microsoft, origin: 'http://localhost:4100',
 *   app: { clientId, clientSecret, redirectUris: () => [`${origin}/callback`] } });
 * host.route('/', emu.app);
 */
export function createMicrosoftEmulator(opts: MicrosoftEmulatorOptions): MicrosoftEmulator {
  const now = opts.now ?? Date.now;
  const origin = opts.origin.replace(/\/+$/, '');
  const model = buildModel(opts.fixture, now());
  const faults = createFaults();
  const signer = createUrlSigner();
  const counters = { graphRequests: 0, graphBatchParts: 0, tokenRequests: 0 };
  const tokens = createTokenService({
    origin, directory: model.directory, appPermissions: model.appPermissions,
    accessTokenLifetimeSeconds: opts.accessTokenLifetimeSeconds ?? 3600,
    appDisplayName: 'Microsoft 365 for Atlassian', now,
  });
  const env: GraphEnv = { origin, model, now, signer };
  const identity = identityRoutes({
    origin, directory: model.directory, appPermissions: model.appPermissions, app: opts.app, tokens, now,
    countTokenRequest: () => { counters.tokenRequests++; },
  });

  const app = new Hono();
  app.route('/', identity.app);
  app.route('/', graphHttp({
    env, model, routes: graphRoutes, tokens, faults,
    countRequest: () => { counters.graphRequests++; },
    countBatchPart: () => { counters.graphBatchParts++; },
  }));
  app.route('/', sharePointWeb({ sharePoint: model.sharePoint, signer, now }));

  return {
    app,
    faults: { get: faults.get, set: faults.set },
    reset: () => {
      tokens.reset();
      identity.reset();
      signer.reset();
      faults.reset();
      counters.graphRequests = 0;
      counters.graphBatchParts = 0;
      counters.tokenRequests = 0;
    },
    revokeRefreshTokens: (who) => tokens.revoke(model.directory.personsMatching(who)),
    stats: () => ({ ...counters }),
  };
}
