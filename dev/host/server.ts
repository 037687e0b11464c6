import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { serve, type ServerType } from '@hono/node-server';
import { existsSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { join, resolve, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadManifest, type AppManifest } from './manifest';
import { localAliases, mapEgress } from './egress';
import { customUiCsp } from './csp';
import { bundleApp } from './runtime/bundle';
import { createRunner, type Runner } from './runtime/runner';
import { forgePlatform } from './platform';
import { siteDirectory, type AtlassianFixture, type AtlassianUser } from './products/site';
import { confluencePage, indexPage, jiraIssuePage } from './pages/products';
import { toHttpResponse, webTriggerEvent } from './web-trigger';
import { createKvsStore, type KvsStore } from './kvs/index';
import { createMicrosoftEmulator, type MicrosoftEmulator } from '../emulator/microsoft/index';
import { localVariables, LOCAL_ENTRA_APP } from './local-app';
import { pageStore } from './products/page-store';
import { controlApi } from './control';

export interface HostOptions {
  /** 0 picks a free port (tests). */
  port: number;
  appDir: string;
  dataDir: string;
  fresh?: boolean;
  fixtureFile: string;
  resolverTimeoutMs?: number;
  webTriggerTimeoutMs?: number;
  accessTokenLifetimeSeconds?: number;
  log?: (line: string) => void;
}

export interface Host {
  origin: string;
  cdnOrigin: string;
  manifest: AppManifest;
  kvs: KvsStore;
  microsoft: MicrosoftEmulator;
  runner: Runner;
  close(): Promise<void>;
}

const ASSETS = fileURLToPath(new URL('./assets/', import.meta.url));
const USER_COOKIE = 'forge_local_as';

/**
 * The local Forge host: product pages with Custom UI iframes, the resolver bridge, web triggers,
 * KVS, product REST, and the Microsoft 365 emulator — one origin for products, another (127.0.0.1)
 * for the Custom UI "CDN", so the iframes are cross-origin as in production.
 */
export async function startHost(opts: HostOptions): Promise<Host> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const manifest = loadManifest(opts.appDir);
  if (opts.fresh) rmSync(opts.dataDir, { recursive: true, force: true });
  mkdirSync(opts.dataDir, { recursive: true });

  // Listen first: every URL the app and the emulator hand out needs the real port.
  let handler: (req: Request) => Response | Promise<Response> = () => new Response('starting', { status: 503 });
  const server: ServerType = await new Promise((resolveServer, reject) => {
    const s = serve({ fetch: (req) => handler(req), port: opts.port, hostname: '127.0.0.1' }, () => resolveServer(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const origin = `http://localhost:${port}`;
  const cdnOrigin = `http://127.0.0.1:${port}`;

  const fixture = JSON.parse(readFileSync(opts.fixtureFile, 'utf8')) as { atlassian: AtlassianFixture; microsoft: any };
  fixture.atlassian.siteUrl = origin;
  const site = siteDirectory(fixture.atlassian);
  const webTriggerUrl = (key: string) => `${origin}/x1/${encodeURIComponent(key)}`;
  const aliases = localAliases(origin);

  const kvs = await createKvsStore({ file: join(opts.dataDir, 'kvs.json') });
  // The emulator's clock can be moved forward (control API) to expire tokens without waiting.
  const clock = { offsetMs: 0, now: () => Date.now() + clock.offsetMs };
  const microsoft = createMicrosoftEmulator({
    fixture: fixture.microsoft,
    origin,
    now: clock.now,
    app: { clientId: LOCAL_ENTRA_APP.clientId, clientSecret: LOCAL_ENTRA_APP.clientSecret, redirectUris: () => [webTriggerUrl('ms-oauth-callback')] },
    ...(opts.accessTokenLifetimeSeconds ? { accessTokenLifetimeSeconds: opts.accessTokenLifetimeSeconds } : {}),
  });

  const buildDir = join(opts.dataDir, 'build');
  await bundleApp(manifest, buildDir);
  const runner = createRunner({
    buildDir,
    nodePath: join(resolve(fileURLToPath(new URL('../..', import.meta.url))), 'node_modules'),
    egress: mapEgress(manifest.permissions.external?.fetch?.backend, aliases),
    variables: localVariables(origin, fixture.microsoft),
    runtimeInit: (invocationId, identity) => ({
      appContext: {
        appId: manifest.appId.split('/').pop(),
        environmentId: 'local-development',
        environmentType: 'DEVELOPMENT',
        invocationId,
        installationId: `local-${fixture.atlassian.cloudId}`,
        moduleKey: identity.moduleKey,
        permissions: manifest.permissions,
      },
      contextAri: `ari:cloud:jira::site/${fixture.atlassian.cloudId}`,
      proxy: { token: 'local', url: origin },
      tracing: { traceId: invocationId.replaceAll('-', ''), spanId: invocationId.slice(0, 16).replaceAll('-', '') },
      externalAuth: [],
    }),
    platform: forgePlatform({ kvs, site, manifest, webTriggerUrl }),
    log,
  });

  const resolverTimeoutMs = opts.resolverTimeoutMs ?? 25_000;
  const webTriggerTimeoutMs = opts.webTriggerTimeoutMs ?? 55_000;
  const installContext = `ari:cloud:confluence::site/${fixture.atlassian.cloudId}`;

  function currentUser(c: Context, allowSwitch: boolean): AtlassianUser | undefined {
    const requested = allowSwitch ? c.req.query('as') : undefined;
    if (requested !== undefined) {
      const user = site.userByKey(requested);
      setCookie(c, USER_COOKIE, user ? user.key : 'anonymous', { path: '/', sameSite: 'Lax', httpOnly: true });
      return user;
    }
    const fromCookie = getCookie(c, USER_COOKIE);
    if (fromCookie === 'anonymous') return undefined;
    return (fromCookie && site.userByKey(fromCookie)) || fixture.atlassian.users.find((u) => u.admin);
  }

  const pages = pageStore(join(opts.dataDir, 'pages.json'));
  const pageDeps = { manifest, site, cdnOrigin, pages };
  const hostStats = { resolverInvocations: 0, webTriggerInvocations: 0 };
  const app = new Hono();
  const isCdnHost = (c: Context) => new URL(c.req.url).host === `127.0.0.1:${port}`;

  app.get('/', (c) => c.html(indexPage(pageDeps, currentUser(c, true))));
  app.get('/wiki/spaces/:space/pages/:id/:slug{.+}', (c) => c.redirect(`/wiki/spaces/${c.req.param('space')}/pages/${c.req.param('id')}`));
  app.get('/wiki/spaces/:space/pages/:id', (c) => {
    const user = currentUser(c, true);
    const page = confluencePage(pageDeps, user, c.req.param('id'), c.req.query('mode') === 'edit' && !!user);
    return page ? c.html(page) : c.html('<h1>Page not found</h1>', 404);
  });
  // The editor's saves: only a logged-in user may change a page, and only with macros the app declares.
  app.post('/__host/pages/:id/macros', async (c) => {
    if (!currentUser(c, false)) return c.json({ error: 'Log in to edit this page.' }, 401);
    if (!site.page(c.req.param('id'))) return c.json({ error: 'Page not found.' }, 404);
    const body = (await c.req.json().catch(() => null)) as { moduleKey?: unknown; localId?: unknown; config?: unknown } | null;
    const mod = typeof body?.moduleKey === 'string' ? manifest.uiModules.get(body.moduleKey) : undefined;
    if (!body || mod?.type !== 'macro' || typeof body.localId !== 'string') return c.json({ error: 'Unknown macro.' }, 400);
    const error = pages.put(c.req.param('id'), { moduleKey: mod.key, localId: body.localId, config: body.config as Record<string, unknown> });
    return error ? c.json({ error }, 400) : c.json({ ok: true });
  });
  app.delete('/__host/pages/:id/macros/:localId', (c) => {
    if (!currentUser(c, false)) return c.json({ error: 'Log in to edit this page.' }, 401);
    pages.remove(c.req.param('id'), c.req.param('localId'));
    return c.json({ ok: true });
  });
  app.get('/browse/:key', (c) => {
    const page = jiraIssuePage(pageDeps, currentUser(c, true), c.req.param('key'));
    return page ? c.html(page) : c.html('<h1>Issue does not exist</h1>', 404);
  });

  app.get('/__host/assets/:file', (c) => {
    const file = c.req.param('file');
    if (!/^[a-z-]+\.(js|css)$/.test(file)) return c.notFound();
    const type = file.endsWith('.js') ? 'text/javascript' : 'text/css';
    return c.body(readFileSync(join(ASSETS, file)), 200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' });
  });

  app.post('/__host/invoke', async (c) => {
    const body = (await c.req.json().catch(() => null)) as { moduleKey?: unknown; localId?: unknown; extension?: unknown; functionKey?: unknown; payload?: unknown } | null;
    const mod = typeof body?.moduleKey === 'string' ? manifest.uiModules.get(body.moduleKey) : undefined;
    const fn = mod?.resolverFunction ? manifest.functions.get(mod.resolverFunction) : undefined;
    if (!body || !mod || !fn || typeof body.functionKey !== 'string') return c.json({ ok: false, error: { name: 'BAD_REQUEST', message: 'Unknown module or function key.' } }, 400);
    const user = currentUser(c, false);
    hostStats.resolverInvocations++;
    const outcome = await runner.invoke({
      handler: fn.handler,
      event: {
        call: { functionKey: body.functionKey, payload: body.payload ?? {} },
        context: { localId: body.localId, cloudId: fixture.atlassian.cloudId, moduleKey: mod.key, siteUrl: origin, extension: body.extension ?? {}, environmentType: 'DEVELOPMENT', environmentId: 'local-development' },
      },
      context: { principal: user ? { accountId: user.accountId } : undefined, installContext, license: undefined },
      identity: { ...(user ? { accountId: user.accountId } : {}), moduleKey: mod.key },
      timeoutMs: resolverTimeoutMs,
    });
    if (outcome.ok) return c.json({ ok: true, value: outcome.value });
    log(`[host] resolver ${mod.key}/${body.functionKey} failed: ${outcome.error.name}: ${outcome.error.message}`);
    return c.json({ ok: false, error: { name: outcome.error.name, message: `There was an error invoking the function - ${outcome.error.message}` } });
  });

  app.get('/__cdn/__bridge.js', (c) =>
    c.body(readFileSync(join(ASSETS, 'bridge-shim.js'), 'utf8').replace('__PARENT_ORIGIN__', origin), 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' }),
  );
  app.get('/__cdn/:resource/*', (c) => {
    if (!isCdnHost(c)) return c.notFound();
    const res = manifest.resources.get(c.req.param('resource'));
    if (!res) return c.notFound();
    const base = resolve(opts.appDir, res.path);
    const rel = decodeURIComponent(new URL(c.req.url).pathname.split('/').slice(3).join('/')) || 'index.html';
    const file = normalize(join(base, rel));
    if (!file.startsWith(base + sep) || !existsSync(file)) return c.notFound();
    if (file.endsWith('.html')) {
      const page = readFileSync(file, 'utf8').replace(/<head>/i, '<head><script src="/__cdn/__bridge.js"></script>');
      return c.body(page, 200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': customUiCsp(page, manifest.permissions, aliases, origin), 'cache-control': 'no-store' });
    }
    return c.body(readFileSync(file), 200, { 'content-type': contentType(file) });
  });

  const runWebTrigger = async (c: Context) => {
    const key = c.req.param('key') ?? '';
    const trigger = manifest.webTriggers.get(key);
    const fn = trigger ? manifest.functions.get(trigger.function) : undefined;
    if (!fn) return c.json({ message: 'Web trigger not found' }, 404);
    const userPath = new URL(c.req.url).pathname.split('/').slice(3).join('/');
    hostStats.webTriggerInvocations++;
    const outcome = await runner.invoke({
      handler: fn.handler,
      event: webTriggerEvent(c.req.raw, userPath, await c.req.text()),
      context: { installContext, principal: undefined },
      identity: { moduleKey: key },
      timeoutMs: webTriggerTimeoutMs,
    });
    if (outcome.ok) {
      const res = toHttpResponse(outcome.value);
      if (res) return res;
      log(`[host] web trigger ${key} returned an invalid response; the platform answers 500`);
    } else {
      log(`[host] web trigger ${key} failed: ${outcome.error.name}: ${outcome.error.message}`);
    }
    return c.json({ message: 'Internal Server Error' }, 500);
  };
  app.all('/x1/:key', runWebTrigger);
  app.all('/x1/:key/*', runWebTrigger);

  app.route('/__emulator', controlApi({ kvs, microsoft, manifest, runner, clock, pages, hostStats }));
  app.route('/', microsoft.app);

  handler = (req) => app.fetch(req);
  log(`[host] ${manifest.uiModules.size} UI modules, ${manifest.functions.size} functions, ${manifest.webTriggers.size} web triggers loaded`);

  return {
    origin,
    cdnOrigin,
    manifest,
    kvs,
    microsoft,
    runner,
    async close() {
      await runner.close();
      await kvs.flush();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function contentType(file: string): string {
  const ext = file.slice(file.lastIndexOf('.') + 1);
  return ({ js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', svg: 'image/svg+xml', png: 'image/png', json: 'application/json', woff2: 'font/woff2' } as Record<string, string>)[ext] ?? 'application/octet-stream';
}
