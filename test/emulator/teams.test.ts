import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_ID, CLIENT_SECRET, CONTOSO_TENANT, graphFetch, type Running, signIn, startEmulator, tokenRequest, type Tokens } from './support';

 
type Json = any;

const TEAM = '7d2e4f10-5a6b-4c8d-9e0f-1a2b3c4d5e60';
const GENERAL = '19:7d2e4f105a6b4c8d9e0f1a2b3c4d5e60@thread.tacv2';
const LEADS = '19:leads000phoenix000000000000002@thread.tacv2';
const CHAT = '19:a11ce000-1111-4aaa-8aaa-000000000001_b0b00000-2222-4bbb-8bbb-000000000002@unq.gbl.spaces';
const TEAMS_SCOPES = ['Team.ReadBasic.All', 'Channel.ReadBasic.All', 'ChannelMessage.Read.All', 'ChannelMessage.Send', 'ChatMessage.Send'];

let run: Running;
const t: Record<string, Tokens> = {};
const call = (who: string, path: string, init: RequestInit = {}) => graphFetch(run, t[who]?.access_token ?? '', path, init);
const post = (who: string, path: string, body: unknown) => call(who, path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const channelPath = (channel: string) => `/teams/${TEAM}/channels/${encodeURIComponent(channel)}/messages`;
const control = async (path: string, body?: unknown) => {
  const res = await run.emu.automationControl.request(path, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Json };
};

beforeAll(async () => {
  run = await startEmulator();
  run.emu.grantConsent({ tenant: CONTOSO_TENANT, clientId: CLIENT_ID, scopes: TEAMS_SCOPES });
  const scope = `openid offline_access User.Read Chat.Read Tasks.ReadWrite ${TEAMS_SCOPES.join(' ')}`;
  for (const who of ['alice', 'bob', 'carol']) t[who] = await signIn(run, `${who}@contoso.com`, { scope });
  t['reader'] = await signIn(run, 'carol@contoso.com', { scope: 'openid User.Read Team.ReadBasic.All Channel.ReadBasic.All ChannelMessage.Read.All' });
});
afterAll(async () => { await run.close(); });

describe('Teams channels and posting messages (delegated)', () => {
  it('lists the teams a user joined and the channels they may see (private channels only for members)', async () => {
    const teams = (await (await call('carol', '/me/joinedTeams')).json()) as { value: Array<{ id: string; displayName: string }> };
    expect(teams.value.map((x) => x.displayName)).toEqual(['Phoenix']);
    const forCarol = (await (await call('carol', `/teams/${TEAM}/channels`)).json()) as { value: Array<{ displayName: string }> };
    expect(forCarol.value.map((c) => c.displayName)).toEqual(['General', 'Releases']);
    const forAlice = (await (await call('alice', `/teams/${TEAM}/channels`)).json()) as { value: Array<{ displayName: string; membershipType: string }> };
    expect(forAlice.value.map((c) => [c.displayName, c.membershipType])).toEqual([['General', 'standard'], ['Releases', 'standard'], ['Leads', 'private']]);
  });

  it('posts to a channel as the signed-in user; the message is readable in Graph and through the control API', async () => {
    const res = await post('alice', channelPath(GENERAL), { body: { contentType: 'html', content: '<b>DEMO-1</b> moved to Done' } });
    expect(res.status).toBe(201);
    const msg = (await res.json()) as { id: string; from: { user: { displayName: string } }; channelIdentity: { channelId: string } };
    expect(msg.from.user.displayName).toBe('Alice Adams');
    expect(msg.channelIdentity.channelId).toBe(GENERAL);
    const listed = (await (await call('bob', channelPath(GENERAL))).json()) as { value: Array<{ id: string; body: { content: string } }> };
    expect(listed.value[0]).toMatchObject({ id: msg.id, body: { content: '<b>DEMO-1</b> moved to Done' } });
    const seen = await control(`/teams/messages?team=Phoenix&channel=General`);
    expect(seen.body.messages[0]).toMatchObject({ id: msg.id, postedByAppId: CLIENT_ID });
  });

  it('posts to a chat the user is in, and is refused in a chat they are not in', async () => {
    const ok = await post('bob', `/chats/${encodeURIComponent(CHAT)}/messages`, { body: { content: 'DEMO-2 was assigned to you' } });
    expect(ok.status).toBe(201);
    expect((await control(`/teams/messages?chat=${encodeURIComponent(CHAT)}`)).body.messages[0].body.content).toBe('DEMO-2 was assigned to you');
    expect((await post('carol', `/chats/${encodeURIComponent(CHAT)}/messages`, { body: { content: 'hi' } })).status).toBe(403);
  });

  it('needs ChannelMessage.Send: a token without it gets 403', async () => {
    const res = await graphFetch(run, t['reader']?.access_token ?? '', channelPath(GENERAL), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ body: { content: 'x' } }) });
    expect(res.status).toBe(403);
  });

  it('refuses app-only posts: application permissions are for migration only', async () => {
    const tok = await tokenRequest(run, { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, scope: 'https://graph.microsoft.com/.default' }, CONTOSO_TENANT);
    expect(tok.status).toBe(200);
    const { access_token } = (await tok.json()) as { access_token: string };
    const res = await graphFetch(run, access_token, channelPath(GENERAL), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ body: { content: 'as the app' } }) });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/migration/);
  });

  it('a user removed from the channel gets 403; a private channel refuses non-members', async () => {
    expect((await post('carol', channelPath(LEADS), { body: { content: 'x' } })).status).toBe(403);
    const removed = await control('/teams/members', { team: 'Phoenix', channel: 'General', user: 'bob', remove: true });
    expect(removed.status).toBe(200);
    expect((await post('bob', channelPath(GENERAL), { body: { content: 'still here?' } })).status).toBe(403);
    await control('/teams/members', { team: 'Phoenix', channel: 'General', user: 'bob' });
    expect((await post('bob', channelPath(GENERAL), { body: { content: 'back' } })).status).toBe(201);
  });

  it('allows 3,000 messages per app per day per channel, then 429 with Retry-After until the next UTC day', async () => {
    const RELEASES = '19:releases0phoenix000000000000001@thread.tacv2';
    // In process (no socket) to keep 3,000 posts quick; the same app and routes as over HTTP.
    const send = (token: string, channel: string, content: string) => run.emu.app.request(`/graph/v1.0${channelPath(channel)}`, {
      method: 'POST', headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ body: { content } }),
    });
    const carol = t['carol']?.access_token ?? '';
    const alice = t['alice']?.access_token ?? '';
    for (let i = 0; i < 3000; i++) {
      const res = await send(carol, RELEASES, `n${i}`);
      if (res.status !== 201) throw new Error(`message ${i}: ${res.status}`);
    }
    const over = await send(alice, RELEASES, 'one too many');
    expect(over.status).toBe(429);
    const retryAfter = Number(over.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    expect((await send(alice, GENERAL, 'other channel is fine')).status).toBe(201);
    run.clock.offsetMs += retryAfter * 1000;
    const refreshed = await run.emu.app.request('/login/contoso.com/oauth2/v2.0/token', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: t['alice']?.refresh_token ?? '' }),
    });
    const token = ((await refreshed.json()) as { access_token: string }).access_token;
    expect((await send(token, RELEASES, 'a new day')).status).toBe(201);
    run.clock.offsetMs = 0;
  }, 120_000);
});
