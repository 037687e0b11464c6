import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import type { ServedHost } from './egress';

/**
 * The Microsoft hosts the manifest names, each served by the local host from its OWN origin — one listener
 * per host, each routing only that host's routes — so a call to the wrong host fails here as it does deployed:
 * the egress allow-list, the Custom UI CSP and the app's embed rule all see distinct origins. Node cannot
 * resolve `*.localhost` names (`dns.lookup('graph.localhost')` is ENOTFOUND), so the hosts differ by port;
 * Chromium treats each port as its own origin (CSP host-sources match the port), and @forge/egress compares
 * `host:port` (its url-parser keeps the port in `hostname`), so Graph's allowance never admits SharePoint's origin.
 */
export const LOGIN_HOST = 'https://login.microsoftonline.com';
export const GRAPH_HOST = 'https://graph.microsoft.com';
/**
 * Graph's driveItem thumbnail URLs point at the thumbnail service, `https://<region>-mediap.svc.ms/transform/thumbnail?…`
 * (dev/host/README.md, "Thumbnails"); the demo tenant's region is Europe (its OpenID metadata says `EU`).
 */
export const MEDIA_HOST = 'https://northeurope1-mediap.svc.ms';

export interface MicrosoftOrigins {
  /** Entra sign-in: serves `/login/…` only. */
  login: string;
  /** Graph: serves `/graph/…` only. */
  graph: string;
  /** The thumbnail service: serves what `/mediap/…` serves in the emulator, at its root. */
  media: string;
  /** Each SharePoint host (`contoso.sharepoint.com`) → its origin, serving that host's pages at its root. */
  sharePoint: Record<string, string>;
  /** Every served host, production origin → local origin. */
  served: ServedHost[];
}

type Handler = (req: Request, env: unknown) => Response | Promise<Response>;

const notHere = (production: string) => (): Response =>
  new Response(`Not found on ${production.replace(/^https:\/\//, '')}: this origin serves that host only.`, { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });

/** Passes requests under `prefix` through unchanged; anything else is not this host's. */
function only(prefix: string, app: Hono, production: string): Handler {
  const miss = notHere(production);
  return (req, env) => {
    const path = new URL(req.url).pathname;
    return path === prefix || path.startsWith(`${prefix}/`) ? app.fetch(req, env) : miss();
  };
}

/** Serves the host's root as the emulator's `prefix`: `/_layouts/15/embed.aspx` → `/sharepoint/<host>/_layouts/15/embed.aspx`. */
function under(prefix: string, app: Hono): Handler {
  return (req, env) => {
    const url = new URL(req.url);
    url.pathname = `${prefix}${url.pathname}`;
    const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : req.body;
    // `duplex` is Node's (undici's) requirement for a streamed body; DOM's RequestInit does not know it yet.
    const init: RequestInit & { duplex?: 'half' } = { method: req.method, headers: req.headers, ...(body ? { body, duplex: 'half' } : {}) };
    return app.fetch(new Request(url, init), env);
  };
}

async function listen(port: number, handler: Handler): Promise<{ server: ServerType; origin: string }> {
  const server: ServerType = await new Promise((resolveServer, reject) => {
    const s = serve({ fetch: (req, env) => handler(req, env), port, hostname: '127.0.0.1' }, () => resolveServer(s));
    s.once('error', reject);
  });
  const address = server.address();
  return { server, origin: `http://localhost:${typeof address === 'object' && address ? address.port : port}` };
}

/**
 * Starts one listener per Microsoft host. With `basePort` 0 each gets a free port; else login, Graph and the
 * thumbnail service get basePort+1..+3 and the SharePoint hosts +4 onwards (`npm start` on 4100: 4101…).
 * The emulator is made once the origins are known (it hands out URLs on them), so `app` is read at request time.
 */
export async function startMicrosoftHosts(opts: { basePort: number; sharePointHosts: readonly string[]; app: () => Hono }): Promise<{ origins: MicrosoftOrigins; close(): Promise<void> }> {
  const port = (n: number) => (opts.basePort ? opts.basePort + n : 0);
  const lazy = (make: (app: Hono) => Handler): Handler => (req, env) => make(opts.app())(req, env);
  const servers: ServerType[] = [];
  const start = async (n: number, handler: Handler) => {
    const l = await listen(port(n), handler);
    servers.push(l.server);
    return l.origin;
  };
  try {
    const login = await start(1, lazy((app) => only('/login', app, LOGIN_HOST)));
    const graph = await start(2, lazy((app) => only('/graph', app, GRAPH_HOST)));
    const media = await start(3, lazy((app) => under('/mediap', app)));
    const sharePoint: Record<string, string> = {};
    let n = 4;
    for (const host of opts.sharePointHosts) sharePoint[host] = await start(n++, lazy((app) => under(`/sharepoint/${host}`, app)));
    const served: ServedHost[] = [
      { production: LOGIN_HOST, local: login },
      { production: GRAPH_HOST, local: graph },
      { production: MEDIA_HOST, local: media },
      ...Object.entries(sharePoint).map(([host, local]) => ({ production: `https://${host}`, local })),
    ];
    return { origins: { login, graph, media, sharePoint, served }, close: () => closeAll(servers) };
  } catch (e) {
    await closeAll(servers);
    throw e;
  }
}

const closeAll = (servers: ServerType[]) => Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r())))).then(() => undefined);
