import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../support/host';

/**
 * What `sharing/panel` tells the share forms, through the real host: each kind's audiences, default and
 * the admin's Public maximum (from the settings store), narrowed by the project's rules even on an issue
 * nothing is shared on yet — so a form never offers what the server would refuse.
 */
const PANEL = 'm365-issue-panel';
const ADMIN = 'm365-jira-admin';
const DEMO_2 = '10002';
const DEMO_PROJECT = '10000';

type Json = any;

describe('the panel view’s sharing rules', () => {
  let host: TestHost;
  const call = async (user: string, module: string, fn: string, payload: unknown = {}): Promise<Json> => (await host.asUser(user).invoke(module, fn, payload)).value;
  const sharing = async (user: string): Promise<Json> => {
    const r = await call(user, PANEL, 'sharing/panel', { issueId: DEMO_2 });
    expect(r.ok).toBe(true);
    return r.value.sharing;
  };

  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(() => host?.stop());

  it('has no Public maximum until the admin sets one, then gives it for every kind', async () => {
    expect((await sharing('bob')).publicMaxDays).toBeUndefined();
    const saved = await call('alice', ADMIN, 'admin/settings/save', {
      sharing: { defaultScope: 'atlassian', allowedScopes: ['private', 'atlassian', 'public'], publicMaxDays: 7, kinds: { chat: { allowedScopes: ['private'], defaultScope: 'private' } } },
    });
    expect(saved.ok).toBe(true);
    const s = await sharing('bob');
    expect(s.publicMaxDays).toBe(7);
    expect(s.byKind.mail).toEqual({ allowedScopes: ['private', 'atlassian', 'public'], defaultScope: 'atlassian', publicMaxDays: 7 });
    expect(s.byKind.chat).toEqual({ allowedScopes: ['private'], defaultScope: 'private', publicMaxDays: 7 });
  });

  it('a kind the admin switches off is not offered, nor given a rule', async () => {
    expect((await call('alice', ADMIN, 'admin/settings/save', { features: { 'share.chat': false } })).ok).toBe(true);
    const s = await sharing('bob');
    expect(s.kinds).not.toContain('chat');
    expect(s.byKind.chat).toBeUndefined();
    expect(s.kinds).toContain('calendar');
  });

  it('follows the project’s narrowing on an issue with nothing shared yet', async () => {
    const r = await call('alice', 'my-shares', 'projectSharing/save', { projectId: DEMO_PROJECT, kinds: { calendar: { off: true }, mail: { allowedScopes: ['private', 'atlassian'], publicMaxDays: 3 }, conversation: { publicMaxDays: 3 } } });
    expect(r.ok).toBe(true);
    const s = await sharing('bob');
    expect(s.kinds).not.toContain('calendar');
    expect(s.byKind.mail).toEqual({ allowedScopes: ['private', 'atlassian'], defaultScope: 'atlassian', publicMaxDays: 3 });
    expect(s.byKind.conversation.publicMaxDays).toBe(3);
    // The top-level maximum is the shortest of the kinds on: a form that does not know the kind yet never offers too late a day.
    expect(s.publicMaxDays).toBe(3);
  });
});
