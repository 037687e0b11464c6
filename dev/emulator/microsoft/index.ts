import { Hono } from 'hono';
import { buildModel } from './data/model';
import { createFaults, type GraphFaults } from './faults';
import type { MicrosoftFixture } from './fixture';
import { graphHttp } from './graph/http';
import { graphRoutes } from './graph/routes';
import { createOutlookGate, type MailboxCounters } from './graph/outlook/throttle';
import { createMailControl, type MailControl } from './graph/outlook/control';
import type { GraphEnv } from './graph/types';
import { createUserStats, type UserCounters } from './graph/user-stats';
import { startOfUtcDay } from './data/ids';
import { type ConsentGrant, createConsentStore } from './identity/consents';
import { type AppOption, buildRegistrations } from './identity/registrations';
import { identityRoutes } from './identity/routes';
import { createTokenService } from './identity/tokens';
import { createUrlSigner } from './signer';
import { sharePointWeb } from './web/sharepoint';
import { createAutomationData } from './data/automation';
import { buildWorkloads } from './data/workloads';
import { automationControlRoutes } from './graph/automation-control';
import { createSubscriptions, type Subscriptions } from './graph/subscriptions';

export type { MicrosoftFixture } from './fixture';
export type { GraphFaults } from './faults';
export type { ConsentGrant } from './identity/consents';
export type { MailControl, MailDeliveryRequest, MailRef, MailSummary } from './graph/outlook/control';
export { mailControlRoutes } from './graph/outlook/control';
export type { Subscriptions } from './graph/subscriptions';
export type { MailboxCounters } from './graph/outlook/throttle';
export type { UserCounters } from './graph/user-stats';

export interface MicrosoftEmulatorOptions {
  /** The `"microsoft"` section of `dev/fixtures/demo-tenant.json`. */
  fixture: MicrosoftFixture;
  /** Public origin, e.g. `http://localhost:4100`: nextLinks, redirects and preview URLs are built on it. */
  origin: string;
  /**
   * An Entra app the host registers. Merged into the fixture's registration with the same client id
   * (its secret is accepted and never expires, its redirect URIs are added to the fixture's); without
   * one, a multi-tenant app registered in the first tenant. Redirect URIs are compared exactly.
   */
  app?: AppOption;
  /**
   * Where each Microsoft host is served, when not all on `origin` (the local host gives each its own origin:
   * dev/host/README.md, "One origin per Microsoft host"). Sign-in keeps its `/login/…` paths and Graph its
   * `/graph/v1.0/…` on their origins; a SharePoint host's and the thumbnail service's URLs are handed out on
   * their own bases (`sharePoint(host)`, `media`) and served here under `/sharepoint/<host>/…` and `/mediap/…`,
   * where the host forwards them. Without it everything is on `origin` under those prefixes.
   */
  hosts?: { login: string; graph: string; media: string; sharePoint: (hostname: string) => string };
  /** Default 3600; tests use 1–2 s. */
  accessTokenLifetimeSeconds?: number;
  /** Milliseconds clock, default `Date.now`. */
  now?: () => number;
}

export interface MicrosoftEmulator {
  /** Serves `/graph/v1.0/*`, `/login/*`, `/sharepoint/<host>/*` and `/mediap/*`; mount it at `/`. */
  app: Hono;
  faults: { get(): GraphFaults; set(patch: Partial<GraphFaults>): GraphFaults };
  /**
   * Forgets issued codes, refresh tokens, signing keys (so access tokens and preview links die), faults,
   * consents given since start, redirect URIs registered at run time and mail changed at run time.
   */
  reset(): void;
  /** Later refresh_token grants for that person fail with invalid_grant (AADSTS50173). */
  revokeRefreshTokens(userPrincipalNameOrMail: string): void;
  /**
   * Counters since the last reset. `graphRequests` counts HTTP requests (a `$batch` is one); preflights are
   * not counted. `mailboxes` counts Outlook requests by mailbox address; `users` every Graph round trip by the
   * signed-in user's principal name (and the 429s they got).
   */
  stats(): {
    graphRequests: number; graphBatchParts: number; tokenRequests: number;
    mailboxes: Record<string, MailboxCounters>; users: Record<string, UserCounters>;
  };
  /** Mail delivered, moved and deleted at run time, as in Outlook; `reset()` returns the mailboxes to the fixture. */
  mail: MailControl;
  /** Every permission grant in every tenant: the fixture's plus what people and admins consented to since the last reset. */
  consents(): ConsentGrant[];
  /**
   * Records a grant as if consented: tenant-wide without `user`, else that person's own (UPN or mail).
   * `tenant` is an id or domain. Throws on an unknown tenant or user: a test setup error.
   */
  grantConsent(g: { tenant: string; clientId: string; scopes: string[]; user?: string; appRoles?: string[] }): void;
  /** An admin adding a redirect URI to the registration; gone after `reset()`. False for an unknown client id. */
  registerRedirectUri(clientId: string, uri: string): boolean;
  /** Graph change notifications (`/subscriptions`): deliveries, lifecycle, the host clock's jumps (`runDue`). */
  subscriptions: Subscriptions;
  /** `/__emulator` routes for To Do, Teams and subscriptions (README, "Automations"). */
  automationControl: Hono;
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
  const loginOrigin = opts.hosts?.login.replace(/\/+$/, '') ?? origin;
  const graphOrigin = opts.hosts?.graph.replace(/\/+$/, '') ?? origin;
  const model = buildModel(opts.fixture, now());
  const faults = createFaults();
  const signer = createUrlSigner();
  const counters = { graphRequests: 0, graphBatchParts: 0, tokenRequests: 0 };
  const registrations = buildRegistrations({
    fixture: opts.fixture, directory: model.directory, origin, startDay: startOfUtcDay(now()),
    ...(opts.app ? { app: opts.app } : {}),
  });
  const consents = createConsentStore(opts.fixture, model.directory);
  const tokens = createTokenService({
    origin: loginOrigin, directory: model.directory,
    accessTokenLifetimeSeconds: opts.accessTokenLifetimeSeconds ?? 3600,
    appName: (clientId) => registrations.byClientId(clientId)?.displayName ?? clientId,
    defaultScopes: (clientId) => registrations.byClientId(clientId)?.requiredPermissions ?? [],
    consented: (tenantId, clientId, oid) => consents.granted(tenantId, clientId, oid),
    now,
  });
  const automation = createAutomationData(opts.fixture, model.directory);
  const hosts = opts.hosts;
  const env: GraphEnv = {
    origin: graphOrigin, model, now, signer, automation,
    sharePointBase: (hostname) => (hosts ? hosts.sharePoint(hostname) : `${origin}/sharepoint/${hostname}`),
    mediaBase: hosts ? hosts.media.replace(/\/+$/, '') : `${origin}/mediap`,
  };
  const startDay = startOfUtcDay(now());
  const identity = identityRoutes({
    origin: loginOrigin, directory: model.directory, registrations, consents, tokens, now,
    countTokenRequest: () => { counters.tokenRequests++; },
  });

  const outlook = createOutlookGate({ routes: graphRoutes, env });
  const users = createUserStats();

  const subscriptions = createSubscriptions({ env, model, tokens });

  const app = new Hono();
  app.route('/', identity.app);
  // Ahead of the routes: /subscriptions answers asynchronously (the validation handshake), and app-only posts are refused.
  app.route('/', subscriptions.app);
  app.route('/', graphHttp({
    env, model, routes: graphRoutes, tokens, faults, outlook, users,
    countRequest: () => { counters.graphRequests++; },
    countBatchPart: () => { counters.graphBatchParts++; },
  }));
  app.route('/', sharePointWeb({ sharePoint: model.sharePoint, signer, now }));

  return {
    app,
    faults: { get: () => faults.get(), set: (patch) => faults.set(patch) },
    reset: () => {
      tokens.reset();
      identity.reset();
      consents.reset();
      registrations.reset();
      signer.reset();
      faults.reset();
      model.mail.reset();
      model.sharePoint.resetRedemptions();
      model.workloads = buildWorkloads(opts.fixture, model.directory, startDay);
      automation.reset();
      subscriptions.reset();
      outlook.reset();
      users.reset();
      counters.graphRequests = 0;
      counters.graphBatchParts = 0;
      counters.tokenRequests = 0;
    },
    revokeRefreshTokens: (who) => {
      const persons = model.directory.personsMatching(who);
      tokens.revoke(persons);
      subscriptions.revoked(persons);
    },
    stats: () => ({ ...counters, mailboxes: outlook.stats(), users: users.stats() }),
    mail: createMailControl(model, now),
    consents: () => consents.list(),
    grantConsent: ({ tenant: ref, clientId, scopes, user, appRoles }) => {
      const tenant = model.directory.tenantByRef(ref);
      if (!tenant) throw new Error(`grantConsent: unknown tenant '${ref}'`);
      const registered = registrations.byClientId(clientId)?.clientId ?? clientId;
      if (user === undefined) {
        consents.grant({ tenantId: tenant.id, clientId: registered, consentType: 'AllPrincipals', scopes, ...(appRoles ? { appRoles } : {}) });
        return;
      }
      const who = model.directory.personsMatching(user).map((person) => model.directory.in(tenant.id, person)).find((p) => p !== undefined);
      if (!who) throw new Error(`grantConsent: '${user}' has no account in ${tenant.displayName}`);
      consents.grant({ tenantId: tenant.id, clientId: registered, consentType: 'Principal', principalId: who.oid, scopes });
    },
    subscriptions,
    automationControl: automationControlRoutes({ env, automation, subscriptions }),
    registerRedirectUri: (clientId, uri) => registrations.addRedirectUri(registrations.byClientId(clientId)?.clientId ?? clientId, uri),
  };
}
