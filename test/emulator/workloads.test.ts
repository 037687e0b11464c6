import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTOSO_TENANT, graphClient, graphFetch, type Running, signIn, startEmulator, type Tokens } from './support';

type Json = Record<string, unknown>;
interface Page<T = Json> { value: T[]; '@odata.nextLink'?: string }

let run: Running;
const t: Record<string, Tokens> = {};
const client = (who: string) => graphClient(run, () => t[who]?.access_token ?? '');
const CHAT = '19:a11ce000-1111-4aaa-8aaa-000000000001_b0b00000-2222-4bbb-8bbb-000000000002@unq.gbl.spaces';

beforeAll(async () => {
  run = await startEmulator();
  for (const who of ['alice', 'bob', 'carol']) t[who] = await signIn(run, `${who}@contoso.com`);
  t['gina'] = await signIn(run, 'gina@fabrikam.com', { tenant: CONTOSO_TENANT });
});
afterAll(async () => { await run.close(); });

// Mail: test/emulator/outlook.test.ts.

describe('calendars', () => {
  it('has two calendars per user and a calendarView that needs both ends of the window', async () => {
    const cals = await client('alice').api('/me/calendars').get() as Page<{ id: string; name: string; isDefaultCalendar: boolean }>;
    expect(cals.value.map((c) => c.name)).toEqual(['Calendar', 'Project Phoenix']);
    const main = cals.value.find((c) => c.isDefaultCalendar);
    const missing = await graphFetch(run, t['alice']?.access_token ?? '', `/me/calendars/${main?.id ?? ''}/calendarView?startDateTime=2020-01-01T00:00:00Z`);
    expect(missing.status).toBe(400);
    const today = new Date();
    const start = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
    const end = new Date(start.getTime() + 7 * 86_400_000);
    const view = await client('alice').api(`/me/calendars/${main?.id ?? ''}/calendarView`)
      .query({ startDateTime: start.toISOString(), endDateTime: end.toISOString() }).get() as Page<{ id: string; subject: string; isAllDay: boolean }>;
    const subjects = view.value.map((e) => e.subject);
    expect(subjects).toEqual(expect.arrayContaining(['Phoenix stand-up', 'Design review', 'Company holiday']));
    expect(view.value.find((e) => e.subject === 'Company holiday')?.isAllDay).toBe(true);
    const one = await client('alice').api(`/me/events/${view.value[0]?.id ?? ''}`).get() as { subject: string };
    expect(one.subject).toBe(view.value[0]?.subject);
  });
});

describe('Teams chats', () => {
  it('members read the chat newest first; $top above 50 is refused; others are refused', async () => {
    const chats = await client('bob').api('/me/chats').get() as Page<{ id: string; chatType: string }>;
    expect(chats.value).toEqual([expect.objectContaining({ id: CHAT, chatType: 'oneOnOne' })]);
    const msgs = await client('alice').api(`/chats/${encodeURIComponent(CHAT)}/messages`).get() as Page<{ createdDateTime: string; from: { user: { displayName: string } } }>;
    expect(msgs.value).toHaveLength(8);
    expect(msgs.value[0]?.createdDateTime.localeCompare(msgs.value[7]?.createdDateTime ?? '')).toBe(1);
    expect((await graphFetch(run, t['alice']?.access_token ?? '', `/chats/${encodeURIComponent(CHAT)}/messages?$top=51`)).status).toBe(400);
    expect((await graphFetch(run, t['carol']?.access_token ?? '', `/chats/${encodeURIComponent(CHAT)}/messages`)).status).toBe(403);
    expect(((await client('carol').api('/me/chats').get()) as Page).value).toEqual([]);
  });
});

describe('To Do', () => {
  it('lists task lists and tasks, some of them completed', async () => {
    const lists = await client('alice').api('/me/todo/lists').get() as Page<{ id: string; displayName: string; wellknownListName: string }>;
    expect(lists.value.map((l) => l.displayName)).toEqual(['Tasks', 'Phoenix follow-ups']);
    const def = lists.value.find((l) => l.wellknownListName === 'defaultList');
    const tasks = await client('alice').api(`/me/todo/lists/${def?.id ?? ''}/tasks`).get() as Page<{ id: string; status: string; title: string }>;
    expect(tasks.value.filter((x) => x.status === 'completed')).toHaveLength(2);
    const one = await client('alice').api(`/me/todo/lists/${def?.id ?? ''}/tasks/${tasks.value[0]?.id ?? ''}`).get() as { title: string };
    expect(one.title).toBe(tasks.value[0]?.title);
    expect((await graphFetch(run, t['bob']?.access_token ?? '', `/me/todo/lists/${def?.id ?? ''}/tasks`)).status).toBe(404);
  });
});
