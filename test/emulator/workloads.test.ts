import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTOSO_TENANT, graphClient, graphFetch, type Running, signIn, startEmulator, type Tokens } from './support';

type Json = Record<string, unknown>;
interface Page<T = Json> { value: T[]; '@odata.nextLink'?: string }

let run: Running;
const t: Record<string, Tokens> = {};
const client = (who: string) => graphClient(run, () => t[who]?.access_token ?? '');

beforeAll(async () => {
  run = await startEmulator();
  for (const who of ['alice', 'bob', 'carol']) t[who] = await signIn(run, `${who}@contoso.com`);
  t['gina'] = await signIn(run, 'gina@fabrikam.com', { tenant: CONTOSO_TENANT });
});
afterAll(async () => { await run.close(); });

// Mail: test/emulator/outlook.test.ts; calendars: calendar*.test.ts; reading Teams chats: chats*.test.ts.

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
