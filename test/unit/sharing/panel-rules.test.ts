import { describe, expect, it } from 'vitest';
import { endDate } from '../../../src/core/sharing/lifecycle';
import { endOfDay, latestEndDay } from '../../../static/shared/sharing/end-dates';
import { ALICE, user, world } from './fakes';

// What the share forms are told by the panel view: each kind's audiences, default and the admin's Public
// maximum, so a form offers, prefills and limits what the server would otherwise refuse.

describe('the panel view tells the share forms each kind’s rule', () => {
  it('carries the admin’s Public maximum and per-kind audiences; a kind switched off is not offered', async () => {
    const w = world();
    w.settings.features['share.calendar'] = true;
    w.settings.features['share.event'] = true;
    w.settings.features['share.chat'] = false;
    w.settings.sharing = {
      defaultScope: 'atlassian',
      allowedScopes: ['private', 'atlassian', 'public'],
      publicMaxDays: 7,
      kinds: { calendar: { allowedScopes: ['private', 'atlassian'], defaultScope: 'private' }, chat: { allowedScopes: ['public'], defaultScope: 'public' } },
    };
    const r = await w.service().panel(user(ALICE), '10001');
    if (!r.ok) throw new Error(r.error.message);
    const s = r.value.sharing;
    expect(s.kinds).toEqual(['mail', 'conversation', 'calendar', 'event']);
    expect(s.publicMaxDays).toBe(7);
    expect(s.byKind.mail).toEqual({ allowedScopes: ['private', 'atlassian', 'public'], defaultScope: 'atlassian', publicMaxDays: 7 });
    expect(s.byKind.calendar).toEqual({ allowedScopes: ['private', 'atlassian'], defaultScope: 'private', publicMaxDays: 7 });
    expect(s.byKind.chat).toBeUndefined();
  });

  it('has no Public maximum when the admin set none', async () => {
    const w = world();
    const r = await w.service().panel(user(ALICE), '10001');
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.sharing.publicMaxDays).toBeUndefined();
    expect(r.value.sharing.byKind.mail?.publicMaxDays).toBeUndefined();
  });
});

describe('the latest end day a form offers for Public', () => {
  // Any hour of the day, in whatever zone this runs: the day offered is accepted, the next one refused.
  const nows = ['2026-03-10T00:05:00Z', '2026-03-10T11:59:00Z', '2026-03-10T23:55:00Z', '2026-10-24T22:30:00Z', '2026-03-28T23:30:00Z'].map((s) => new Date(s));
  it.each([1, 7, 30])('with a maximum of %i days the server accepts it and refuses the day after', (max) => {
    for (const now of nows) {
      const day = latestEndDay(max, now);
      const at = endOfDay(day);
      expect(at, `${day} from ${now.toISOString()}`).toBeDefined();
      expect(endDate(at, 'public', { publicMaxDays: max }, now), `${day} from ${now.toISOString()}`).toMatchObject({ ok: true, value: at });
      const [y, m, d] = day.split('-').map(Number) as [number, number, number];
      const next = new Date(y, m - 1, d + 1);
      const nextDay = `${String(next.getFullYear())}-${String(next.getMonth() + 1).padStart(2, '0')}-${String(next.getDate()).padStart(2, '0')}`;
      expect(endDate(endOfDay(nextDay), 'public', { publicMaxDays: max }, now), `${nextDay} from ${now.toISOString()}`).toMatchObject({ ok: false, error: { reason: 'public_expiry_too_far' } });
    }
  });
});
