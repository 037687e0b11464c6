import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { join } from 'node:path';
import { loadManifest } from '../../dev/host/manifest';
import { ROOT, startTestHost, type TestHost } from '../support/host';
import { probeVariant } from '../support/probe-variant';

/**
 * Web triggers as Forge runs them (runtime-reference/web-trigger, runtime-reference/web-trigger-api,
 * manifest-reference/modules/web-trigger, `@forge/manifest` 13.7.0's webtrigger schema).
 */
describe('local Forge host: web triggers', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost({ appDir: join(ROOT, 'test/fixtures/probe-app'), webTriggerTimeoutMs: 5000 });
  });
  afterAll(() => host?.stop());
  const call = (fn: string, payload: unknown = {}) => host.asUser('alice').invoke('probe-panel', fn, payload);

  it('passes header names in the case the caller sent them', async () => {
    const { value } = await call('webTriggerUrl');
    // Node's HTTP client keeps header case as given, as curl or a webhook sender does.
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(value.url, { method: 'POST', headers: { 'X-Signature-Token': 'abc', 'content-type': 'text/plain' } }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end('hi');
    });
    const names = JSON.parse(body).headerNames as string[];
    expect(names).toContain('X-Signature-Token');
    expect(names).toContain('content-type');
    expect(names).not.toContain('x-signature-token');
  });

  it('answers a static web trigger only with the manifest output the function names (urlFormat v2)', async () => {
    const { value } = await call('webTriggerUrl', { key: 'canned' });
    expect(value.url).toMatch(new RegExp(`^${host.origin}/public/canned$`));
    const ok = await fetch(value.url);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/json');
    expect(await ok.text()).toBe('{"received":true}');
    const refused = await fetch(`${value.url}?out=refused`);
    expect([refused.status, await refused.text()]).toEqual([403, 'Error: Forbidden']);
    expect((await fetch(`${value.url}?out=nope`)).status).toBe(500);
    const leak = await fetch(`${value.url}?dynamic=1`);
    expect(leak.status).toBe(500);
    expect(await leak.text()).not.toContain('leaked data');
    // The v2 URL lives under /public only.
    expect((await fetch(`${host.origin}/x1/canned`)).status).toBe(404);
  });

  it('creates, lists and deletes URLs per installation; a deleted URL answers 404 and is never handed out again', async () => {
    const first = (await call('webTriggerUrl', { key: 'echo' })).value.url as string;
    expect((await call('webTriggerUrl', { key: 'echo' })).value.url).toBe(first);
    const forced = (await call('webTriggerUrl', { key: 'echo', options: { forceCreate: true } })).value.url as string;
    expect(forced).not.toBe(first);
    expect(forced).toMatch(new RegExp(`^${host.origin}/x1/[A-Za-z0-9]{25}$`));
    expect((await fetch(forced)).status).toBe(201);
    const listed = (await call('webTriggerQuery', { key: 'echo' })).value.urls.map((u: { url: string }) => u.url);
    expect(listed).toEqual(expect.arrayContaining([first, forced]));
    expect((await call('webTriggerDelete', { url: forced })).value).toEqual({ deleted: true });
    expect((await fetch(forced)).status).toBe(404);
    expect((await call('webTriggerQuery', { key: 'echo' })).value.urls.map((u: { url: string }) => u.url)).not.toContain(forced);
    expect((await call('webTriggerDelete', { url: forced })).value.error.message).toMatch(/Failed to delete web trigger URL/);
  });

  it('answers 404 for a URL that was never created, even for a declared module', async () => {
    expect((await fetch(`${host.origin}/x1/malformed`)).status).toBe(404);
  });

  it('refuses to hand out an hmacSharedSecret trigger without a secret, and refuses callers it cannot verify', async () => {
    expect((await call('webTriggerUrl', { key: 'signed' })).value.error.message).toMatch(/Failed to get web trigger URL/);
    const { value } = await call('webTriggerUrl', { key: 'signed', options: { secretKeyConfig: { key: 'probe-secret' } } });
    const res = await fetch(value.url, { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
    expect(host.logs.join('\n')).toContain('signature scheme is not documented');
  });
});

describe('web trigger declarations', () => {
  const load = (edit: (m: string) => string) => {
    const v = probeVariant(edit);
    try {
      return () => loadManifest(v.dir);
    } finally {
      setTimeout(() => v.dispose(), 0);
    }
  };
  it('refuse static outputs over 1,024 characters, outputs on a dynamic trigger, and unknown formats', () => {
    expect(load((m) => m.replace("body: 'Error: Forbidden'", `body: '${'x'.repeat(1025)}'`))).toThrow(/body ≤ 1024 chars/);
    expect(load((m) => m.replace('      urlFormat: v2\n', '      urlFormat: v3\n'))).toThrow(/urlFormat must be v1 or v2/);
    expect(load((m) => m.replace('    - key: malformed\n      function: malformed-fn\n      response:\n        type: dynamic\n', '    - key: malformed\n      function: malformed-fn\n      response:\n        type: dynamic\n        outputs:\n          - key: a\n            statusCode: 200\n'))).toThrow(
      /outputs are only allowed with response.type static/,
    );
  });
});
