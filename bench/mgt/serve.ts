import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import type { BrowserContext } from 'playwright-core';

export interface PeerServer {
  origin: string;
  close(): Promise<void>;
}

/**
 * Serves the peer pages as a developer's own page would be served: from their own origin (no request
 * interception, no `cache-control`, like the host's Custom UI files), with `/__host/invoke` proxied to
 * the local host as alice so the provider can reach the app's `account/token` resolver.
 */
export async function servePeer(dir: string, hostOrigin: string, userKey: string): Promise<PeerServer> {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/__host/invoke' && req.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const upstream = await fetch(`${hostOrigin}/__host/invoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: `forge_local_as=${userKey}` },
        body: Buffer.concat(chunks),
      });
      res.writeHead(upstream.status, { 'content-type': 'application/json' });
      res.end(Buffer.from(await upstream.arrayBuffer()));
      return;
    }
    const rel = url.pathname.replace(/^\/__bench\/mgt\//, '');
    const file = normalize(join(dir, rel));
    if (!url.pathname.startsWith('/__bench/mgt/') || !file.startsWith(dir + sep) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/html; charset=utf-8' });
    res.end(readFileSync(file));
  };
  // A failure rejects unhandled and stops the benchmark, as it should: its numbers would be wrong.
  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

/**
 * MGT calls `https://graph.microsoft.com/v1.0/…` and has no setting for another Graph host, so its
 * requests are fetched from the emulator's Graph origin (`{graphOrigin}/graph/v1.0/…`) and fulfilled unchanged. The
 * emulator counts them like the app's.
 */
export async function routeGraphToEmulator(ctx: BrowserContext, graphOrigin: string): Promise<void> {
  await ctx.route('https://graph.microsoft.com/**', async (route) => {
    const url = route.request().url().replace(/^https:\/\/graph\.microsoft\.com\//, `${graphOrigin}/graph/`);
    const response = await route.fetch({ url });
    await route.fulfill({ response });
  });
  // mgt-file draws file-type icons from Microsoft's CDN; there is no network here, so answer with an
  // empty icon instead of letting each lookup fail on DNS.
  await ctx.route('https://spoprod-a.akamaihd.net/**', (route) =>
    route.fulfill({ status: 200, contentType: 'image/svg+xml', body: '<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48"/>' }),
  );
}
