import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestHost, type TestHost } from '../support/host';
import { probeVariant } from '../support/probe-variant';

/** A local server the test controls, counting what reached it. */
async function server(handle: (path: string) => { status: number; location?: string }): Promise<{ origin: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const s: Server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    const { status, location } = handle(req.url ?? '/');
    res.writeHead(status, location ? { location } : {});
    res.end(status === 200 ? 'final' : '');
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, hits, close: () => new Promise((r) => s.close(() => r())) };
}

/**
 * The egress allow-list holds for every request a function makes: each redirect hop, and clients other than
 * fetch. Egress requests per invocation are capped (limits-invocation).
 */
describe('local Forge host: egress beyond the first fetch', () => {
  let host: TestHost;
  let allowed: Awaited<ReturnType<typeof server>>;
  let elsewhere: Awaited<ReturnType<typeof server>>;
  let variant: ReturnType<typeof probeVariant>;
  beforeAll(async () => {
    elsewhere = await server(() => ({ status: 200 }));
    allowed = await server((path) =>
      path === '/away' ? { status: 302, location: `${elsewhere.origin}/stolen` } : path === '/hop' ? { status: 307, location: '/final' } : { status: 200 },
    );
    variant = probeVariant((m) => m.replace('        - address: https://graph.microsoft.com\n', `        - address: https://graph.microsoft.com\n        - address: ${allowed.origin}\n`));
    host = await startTestHost({ appDir: variant.dir });
  });
  afterAll(async () => {
    await host?.stop();
    variant?.dispose();
    await allowed?.close();
    await elsewhere?.close();
  });
  const call = (fn: string, payload: unknown) => host.asUser('alice').invoke('probe-panel', fn, payload);

  it('follows a redirect within the allow-list, keeping a 307 POST a POST', async () => {
    expect((await call('fetchFollow', { url: `${allowed.origin}/hop`, init: { method: 'POST', body: 'x' } })).value).toEqual({ status: 200, body: 'final' });
    expect(allowed.hits.slice(-2)).toEqual(['POST /hop', 'POST /final']);
  });

  it('fails a redirect to a host the manifest does not list, with the SDK’s error, and never reaches it', async () => {
    const r = await call('fetchFollow', { url: `${allowed.origin}/away` });
    expect(r.value.error).toMatchObject({ name: 'REQUEST_EGRESS_ALLOWLIST_ERR', status: 403 });
    expect(r.value.error.message).toContain(`${elsewhere.origin}/stolen`);
    expect(elsewhere.hits).toEqual([]);
  });

  it('refuses node:http requests to a host the manifest does not list, and lets allowed ones through', async () => {
    const r = await call('httpGet', { url: `${elsewhere.origin}/direct` });
    expect(r.value.error).toMatchObject({ name: 'REQUEST_EGRESS_ALLOWLIST_ERR' });
    expect(elsewhere.hits).toEqual([]);
    expect((await call('httpGet', { url: `${allowed.origin}/ok` })).value).toEqual({ status: 200 });
  });

  it('stops an invocation at 100 egress requests', async () => {
    const r = await call('fetchMany', { url: `${allowed.origin}/ok`, n: 101 });
    expect(r.value.done).toBe(100);
    expect(r.value.error.message).toMatch(/Egress request limit exceeded: at most 100/);
  });
});
