import { Hono } from 'hono';
import { serve, type ServerType } from '@hono/node-server';
import { readFileSync, rmSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadManifest, appUuid, type AppManifest } from './manifest';
import { mapEgress } from './egress';
import { startMicrosoftHosts, type MicrosoftOrigins } from './microsoft-hosts';
import { bundleApp } from './runtime/bundle';
import { createRunner, type Runner } from './runtime/runner';
import { forgePlatform } from './platform';
import { siteDirectory } from './products/site';
import type { AtlassianFixture } from './products/tenant';
import { loadEntityPropertyIndex } from './products/jira/entity-properties';
import type { IssueEventListener, JiraSite } from './products/jira/store';
import { accountStates, type AccountStates } from './products/accounts';
import type { MicrosoftEmulator } from '../emulator/microsoft/index';
import { localVariables } from './local-app';
import { pageStore } from './products/page-store';
import { controlApi, type HostStats } from './control';
import { createClock, type HostClock } from './clock';
import { createScheduler, type ScheduledRun } from './scheduler';
import { createEvents, type HostEvents } from './events/index';
import { LOCAL_ENVIRONMENT } from './installation';
import { productSession } from './session';
import { productRoutes } from './routes/products';
import { bridgeRoutes } from './routes/bridge';
import { cdnRoutes } from './routes/cdn';
import { webTriggerRoutes } from './routes/web-triggers';
import { webTriggerUrls } from './web-trigger-urls';
import { installationsFor, type Installations } from './installations';
import { createInstallationKvs, type InstallationKvs } from './kvs/installations';
import { microsoftService } from './services/microsoft';
import { invocationLimiter } from './invocation-limits';
import type { LocalService } from './services/service';

export interface HostOptions {
  /** 0 picks a free port (tests). */
  port: number;
  appDir: string;
  dataDir: string;
  fresh?: boolean;
  fixtureFile: string;
  resolverTimeoutMs?: number;
  /** One invocation in N (on average) gets a fresh function process; default `FORGE_LOCAL_FRESH_EVERY`, else never. */
  freshEvery?: number;
  /** Seed for those choices; default `FORGE_LOCAL_SEED`, else 1. */
  seed?: number;
  webTriggerTimeoutMs?: number;
  accessTokenLifetimeSeconds?: number;
  /** Also run scheduled triggers as real time passes (`npm start`). Off: only the clock and the control API run them. */
  scheduledTriggersOnRealTime?: boolean;
  log?: (line: string) => void;
}

export interface Host {
  origin: string;
  cdnOrigin: string;
  /** Where each Microsoft host is served, each on its own origin (dev/host/README.md, "One origin per Microsoft host"). */
  microsoftOrigins: MicrosoftOrigins;
  manifest: AppManifest;
  /** One store per installation (`kvs.forInstallation('jira' | 'confluence')`); `kvs.handle` serves the default one. */
  kvs: InstallationKvs;
  installations: Installations;
  microsoft: MicrosoftEmulator;
  runner: Runner;
  /** The one clock behind tokens, KVS TTLs and scheduled triggers. */
  clock: HostClock;
  /** Closed accounts and profile changes, as the personal data reporting API answers them. */
  accounts: AccountStates;
  /** The Jira site: projects, issues, roles, properties, and its change events. */
  jira: JiraSite;
  /** Every issue change (control API or the app's REST writes), as product events would carry it. */
  onIssueEvent(listener: IssueEventListener): () => void;
  services: LocalService[];
  /** Product-event triggers, the async events queue and app properties (dev/host/events/README.md). */
  events: HostEvents;
  /** Runs a scheduledTrigger module now, as `POST /__emulator/scheduled/run` does. */
  runScheduled(key: string): Promise<ScheduledRun>;
  close(): Promise<void>;
}

/**
 * The local Forge host: product pages with Custom UI iframes, the resolver bridge, web triggers,
 * scheduled triggers, KVS, product REST, and the emulated outside services — one origin for
 * products, another (127.0.0.1) for the Custom UI "CDN", so the iframes are cross-origin as in production.
 */
export async function startHost(opts: HostOptions): Promise<Host> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const manifest = loadManifest(opts.appDir);
  if (opts.fresh) rmSync(opts.dataDir, { recursive: true, force: true });
  mkdirSync(opts.dataDir, { recursive: true });

  // Listen first: every URL the app and the emulator hand out needs the real port.
  // The Node request rides along (Hono's `c.env.incoming`): web triggers read the caller's header case from it.
  let handler: (req: Request, env: unknown) => Response | Promise<Response> = () => new Response('starting', { status: 503 });
  const server: ServerType = await new Promise((resolveServer, reject) => {
    const s = serve({ fetch: (req, env) => handler(req, env), port: opts.port, hostname: '127.0.0.1' }, () => resolveServer(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const origin = `http://localhost:${port}`;
  const cdnOrigin = `http://127.0.0.1:${port}`;

  const fixture = JSON.parse(readFileSync(opts.fixtureFile, 'utf8')) as { atlassian: AtlassianFixture; microsoft: any };
  // Each Microsoft host on its own origin, routing only its own routes; the emulator behind them is made below.
  const microsoftApp: { current?: Hono } = {};
  const msHosts = await startMicrosoftHosts({
    basePort: opts.port,
    sharePointHosts: ((fixture.microsoft.tenants ?? []) as Array<{ sharePointHost?: string }>).flatMap((t) => (t.sharePointHost ? [t.sharePointHost.toLowerCase()] : [])),
    app: () => microsoftApp.current ?? new Hono(),
  });
  const microsoftOrigins = msHosts.origins;
  fixture.atlassian.siteUrl = origin;
  const cloudId = fixture.atlassian.cloudId;
  const clock = createClock();
  const site = siteDirectory(fixture.atlassian, { now: clock.now, entityProperties: loadEntityPropertyIndex(manifest.dir) });
  const aliases = microsoftOrigins.served;
  const installations = installationsFor(manifest, cloudId);
  // Each installation's first URL of a module has a readable id: the Jira installation's is the module key (so
  // `/x1/ms-oauth-callback` stays Jira's), the Confluence installation's `confluence-<key>`.
  const webTriggers = webTriggerUrls({
    origin, manifest, file: join(opts.dataDir, 'webtrigger-urls.json'),
    defaultId: (contextId, key) => (installations.list.length > 1 && installations.byContext(contextId)?.key === 'confluence' ? `confluence-${key}` : key),
  });

  const accounts = accountStates(site, clock.now);
  const hostStats: HostStats = { resolverInvocations: 0, webTriggerInvocations: 0, scheduledRuns: 0, privacyReports: 0 };
  const kvs = await createInstallationKvs({
    installations: installations.list.map((i) => i.key),
    defaultKey: installations.get(undefined).key,
    fileFor: (key) => join(opts.dataDir, installations.list.length > 1 ? `kvs-${key}.json` : 'kvs.json'),
    now: clock.now,
    entities: manifest.entities,
  });
  const microsoft = microsoftService({
    fixture: fixture.microsoft,
    origin,
    origins: microsoftOrigins,
    now: clock.now,
    // The app registration lists its redirect URIs itself (dev/fixtures/demo-tenant.json), one per installation, as
    // an admin registers them: a URL the host hands out but nobody registered is refused (AADSTS50011).
    redirectUris: () => [],
    ...(opts.accessTokenLifetimeSeconds ? { accessTokenLifetimeSeconds: opts.accessTokenLifetimeSeconds } : {}),
  });
  microsoftApp.current = microsoft.app;
  // Forge's per-minute invocation rate limits, a local service so the control API shows and lowers them.
  const invocations = invocationLimiter(clock.now);
  const services: LocalService[] = [microsoft, invocations];
  // Change notifications fall due on the host clock too: a clock jump delivers (and redelivers) what is due inside it.
  clock.onAdvance((step) => microsoft.emulator.subscriptions.runDue(step.target, (at) => step.moveTo(at)));

  const buildDir = join(opts.dataDir, 'build');
  await bundleApp(manifest, buildDir);
  const basePlatform = forgePlatform({ kvs, site, accounts, manifest, webTriggers, countPrivacyReport: () => void hostStats.privacyReports++, log });
  // Product events, the async events queue and app properties (dev/host/events) answer their own calls first.
  let platform = basePlatform;
  const runner = createRunner({
    freshEvery: opts.freshEvery ?? (Number(process.env.FORGE_LOCAL_FRESH_EVERY) || 0),
    seed: opts.seed ?? (Number(process.env.FORGE_LOCAL_SEED) || 1),
    buildDir,
    nodePath: join(resolve(fileURLToPath(new URL('../..', import.meta.url))), 'node_modules'),
    egress: mapEgress(manifest.permissions.external?.fetch?.backend, aliases),
    variables: localVariables(microsoftOrigins, fixture.microsoft),
    runtimeInit: (invocationId, identity) => {
      const installation = installations.get(identity.installation);
      return {
      appContext: {
        appId: appUuid(manifest),
        environmentId: LOCAL_ENVIRONMENT.id,
        environmentType: LOCAL_ENVIRONMENT.type,
        invocationId,
        installationId: installation.installationId,
        moduleKey: identity.moduleKey,
        permissions: manifest.permissions,
      },
      contextAri: installation.installContext,
      proxy: { token: 'local', url: origin },
      tracing: { traceId: invocationId.replaceAll('-', ''), spanId: invocationId.slice(0, 16).replaceAll('-', '') },
      externalAuth: [],
      };
    },
    clockOffsetMs: () => clock.offsetSeconds() * 1000,
    platform: (req) => platform(req),
    log,
  });

  // Product events and queue consumers name no installation: they run in the default (Jira) one.
  const events = createEvents({ manifest, jira: site.jira, accounts, clock, cloudId, siteUrl: origin, log, invoke: (req) => runner.invoke({ ...req, identity: { installation: installations.get(undefined).key, ...req.identity } }) });
  platform = events.platform(basePlatform);

  const scheduler = createScheduler({
    manifest,
    clock,
    // Every installation runs its scheduled triggers, each with its own context and storage; the run fails if one does.
    invoke: async (req) => {
      hostStats.scheduledRuns++;
      let outcome: Awaited<ReturnType<typeof runner.invoke>> | undefined;
      for (const i of installations.list) {
        outcome = await runner.invoke({ ...req, context: { ...(req.context as object), installContext: i.installContext }, identity: { ...req.identity, installation: i.key } });
        if (!outcome.ok) return outcome;
      }
      return outcome as Awaited<ReturnType<typeof runner.invoke>>;
    },
    cloudId,
    installContext: installations.get(undefined).installContext,
    log,
  });
  if (opts.scheduledTriggersOnRealTime) scheduler.startRealTime();

  const currentUser = productSession(site, accounts);
  const pages = pageStore(join(opts.dataDir, 'pages.json'));
  const app = new Hono();
  app.route('/', productRoutes({ manifest, site, accounts, cdnOrigin, pages, currentUser, microsoftHosts: microsoftOrigins.served }));
  app.route('/', bridgeRoutes({
    manifest, runner, currentUser, cloudId, siteUrl: origin, installations,
    resolverTimeoutMs: opts.resolverTimeoutMs ?? 25_000, log,
    countInvocation: () => void hostStats.resolverInvocations++,
    limiter: invocations,
  }));
  app.route('/', cdnRoutes({ manifest, appDir: opts.appDir, origin, cdnHost: `127.0.0.1:${port}`, aliases }));
  app.route('/', webTriggerRoutes({
    manifest, runner, installations, urls: webTriggers, timeoutMs: opts.webTriggerTimeoutMs ?? 55_000, log,
    countInvocation: () => void hostStats.webTriggerInvocations++,
  }));
  app.route('/__emulator/events', events.control);
  app.route('/__emulator', controlApi({ manifest, kvs, services, clock, scheduler, accounts, pages, hostStats, site, events }));
  // Microsoft's hosts are served on their own origins (above), never on the product origin.
  for (const s of services) if (!s.ownOrigins) app.route('/', s.app);

  handler = (req, env) => app.fetch(req, env);
  log(`[host] ${manifest.uiModules.size} UI modules, ${manifest.functions.size} functions, ${manifest.webTriggers.size} web triggers, ${manifest.scheduledTriggers.size} scheduled triggers loaded`);

  return {
    origin,
    cdnOrigin,
    microsoftOrigins,
    manifest,
    kvs,
    installations,
    microsoft: microsoft.emulator,
    runner,
    clock,
    accounts,
    jira: site.jira,
    onIssueEvent: (listener) => site.jira.onIssueEvent(listener),
    services,
    events,
    runScheduled(key) {
      const run = scheduler.runNow(key);
      return run ?? Promise.reject(new Error(`No scheduledTrigger module '${key}'`));
    },
    async close() {
      scheduler.stop();
      events.stop();
      await runner.close();
      await kvs.flush();
      await new Promise<void>((r) => server.close(() => r()));
      await msHosts.close();
    },
  };
}
