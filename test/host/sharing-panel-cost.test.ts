import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../support/host';
import { clickButton } from '../emulator/support';

/**
 * What one view of the issue panel's shared items costs (issue 9, "Speed"), counted by the host and the
 * emulator: one resolver call, one KVS query, one secret read per person, and one Graph round trip per
 * sharer — attachments and inline pictures of shared mails included.
 */
const PANEL = 'm365-issue-panel';
const DEMO_1 = '10001';

type Json = any;

interface Counts {
  resolver: number;
  kvs: Record<string, number>;
  tokens: number;
  users: Record<string, { requests: number; batchParts: number }>;
}

async function counts(host: TestHost): Promise<Counts> {
  const s = (await host.state()).stats;
  return { resolver: s.host.resolverInvocations, kvs: { ...s.kvs.byEndpoint }, tokens: s.microsoft.tokenRequests, users: structuredClone(s.microsoft.users) };
}

const delta = (a: Counts, b: Counts) => ({
  resolver: b.resolver - a.resolver,
  kvs: (path: string) => (b.kvs[path] ?? 0) - (a.kvs[path] ?? 0),
  tokens: b.tokens - a.tokens,
  graph: (upn: string) => ({ requests: (b.users[upn]?.requests ?? 0) - (a.users[upn]?.requests ?? 0), batchParts: (b.users[upn]?.batchParts ?? 0) - (a.users[upn]?.batchParts ?? 0) }),
});

describe('the cost of viewing shared items', () => {
  let host: TestHost;

  beforeAll(async () => {
    host = await startTestHost();
    const start = await host.asUser('alice').invoke(PANEL, 'account/connect', { feature: 'share.mail' });
    const picked = await clickButton(await (await fetch(start.value.value.authorizeUrl as string)).text(), 'alice@contoso.com');
    const done = picked.status === 302 ? picked : await clickButton(await picked.text(), 'Accept');
    await (await fetch(done.headers.get('location') ?? '')).text();
    const box = ((await (await fetch(`${host.origin}/__emulator/mail?user=alice`)).json()) as Json).messages as Array<{ key: string; immutableId: string }>;
    const id = (key: string) => box.find((m) => m.key === key)?.immutableId;
    for (const [key, kind] of [['a1', 'conversation'], ['a5', 'mail'], ['a9', 'mail'], ['a11', 'mail']] as const) {
      const r = await host.asUser('alice').invoke(PANEL, 'sharing/create', { issueId: DEMO_1, kind, messageId: id(key), scope: 'atlassian' });
      expect(r.value).toMatchObject({ ok: true });
    }
  }, 60_000);
  afterAll(() => host?.stop());

  it('reads a sharer’s mails, conversation, attachments and inline pictures in one Graph round trip', async () => {
    const before = await counts(host);
    const r = (await host.asUser('bob').invoke(PANEL, 'sharing/panel', { issueId: DEMO_1 })).value;
    const d = delta(before, await counts(host));

    expect(r.ok).toBe(true);
    const bySubject = new Map<string, Json>(r.value.items.map((i: Json) => [i.messages?.[0]?.subject, i]));
    expect([...bySubject.keys()].sort()).toEqual(['Design review notes', 'Invoice #4471 overdue - action required', 'Phoenix kickoff agenda', 'Site photos from Friday']);
    // What the extra round trip used to bring: the attachment's name, and the pictures as data.
    expect(bySubject.get('Design review notes').messages[0].attachments).toEqual([expect.objectContaining({ name: 'Review notes.txt' })]);
    const photos = bySubject.get('Site photos from Friday').messages[0];
    expect(Object.keys(photos.inlineImages).sort()).toEqual(['site-1@contoso.com', 'site-2@contoso.com']);
    expect(Object.values(photos.inlineImages).every((u) => String(u).startsWith('data:image/png;base64,'))).toBe(true);
    expect(photos.attachments).toEqual([expect.objectContaining({ name: 'Site survey.pdf' })]);

    expect(d.resolver).toBe(1);
    expect(d.graph('alice@contoso.com').requests).toBe(1);
    expect(d.graph('bob@contoso.com').requests).toBe(0);
    expect(d.tokens).toBe(0);
    expect(d.kvs('/api/v1/entity/query')).toBe(1);
    // Alice's connection (with her cached access token) and Bob's own (may he share?); no token, connection,
    // share or setting written (who opened what is recorded apart, in one batch write: src/core/sharing/opens.ts).
    expect(d.kvs('/api/v1/secret/get')).toBe(2);
    for (const w of ['/api/v1/set', '/api/v1/secret/set', '/api/v1/entity/set', '/api/v1/transaction']) expect(d.kvs(w)).toBe(0);
  });

  it('refreshes a stale access token once, then serves from the cached one again', async () => {
    await host.control('clock', { advanceSeconds: 61 * 60 });
    const a = await counts(host);
    expect((await host.asUser('bob').invoke(PANEL, 'sharing/panel', { issueId: DEMO_1 })).value.ok).toBe(true);
    const b = await counts(host);
    expect(delta(a, b).tokens).toBe(1);
    expect(delta(a, b).graph('alice@contoso.com').requests).toBe(1);
    // The refresh reuses the connection the view read (no second read) and writes only its secret.
    expect(delta(a, b).kvs('/api/v1/secret/get')).toBe(2);
    expect(delta(a, b).kvs('/api/v1/secret/set')).toBe(1);
    expect(delta(a, b).kvs('/api/v1/set')).toBe(0);
    expect((await host.asUser('bob').invoke(PANEL, 'sharing/panel', { issueId: DEMO_1 })).value.ok).toBe(true);
    const c = await counts(host);
    expect(delta(b, c).tokens).toBe(0);
    expect(delta(b, c).kvs('/api/v1/secret/set')).toBe(0);
  });
});
