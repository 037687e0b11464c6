import { describe, expect, it } from 'vitest';
import { defaultSettings, parseSettingsPatch, applyPatch, type AppSettings, type ShareScope, SHARE_SCOPES, SHARING_KIND_NAMES } from '../../../src/core/settings/model';
import { narrow, parseProjectKinds, policyFor, readProjectPolicy, scopeNow, sitePolicy, type KindPolicy, type ProjectKindRule } from '../../../src/core/sharing/kind-policy';
import { endDate, endDateForScope, hasEnded } from '../../../src/core/sharing/lifecycle';
import { openCutoff, openOf, summarise, type OpenRecord } from '../../../src/core/sharing/opens';
import { offerLapsed, readOffer } from '../../../src/core/sharing/handover';

const DAY = 86_400_000;
const NOW = new Date('2026-03-10T12:00:00Z');

function settings(over: Partial<AppSettings['sharing']> = {}, features: Partial<AppSettings['features']> = {}): AppSettings {
  const s = defaultSettings();
  return { ...s, features: { ...s.features, ...features }, sharing: { defaultScope: 'atlassian', allowedScopes: ['private', 'atlassian', 'public'], ...over } };
}

/** Every subset of the scopes, for walking all combinations. */
const subsets: ShareScope[][] = [[], ['private'], ['atlassian'], ['public'], ['private', 'atlassian'], ['private', 'public'], ['atlassian', 'public'], ['private', 'atlassian', 'public']];

describe('sharing rules per kind and project: a project narrows, never widens', () => {
  it('for every site rule and every project rule, the project’s result is within the site’s', () => {
    const widened: string[] = [];
    let checked = 0;
    for (const siteAllowed of subsets.filter((x) => x.length > 0)) {
      for (const on of [true, false]) {
        for (const freeBusy of [true, false]) {
          for (const siteDays of [undefined, 30]) {
            const site: KindPolicy = { on, allowedScopes: siteAllowed, defaultScope: siteAllowed[0] as ShareScope, freeBusyOnly: freeBusy, ...(siteDays ? { publicMaxDays: siteDays } : {}) };
            for (const projAllowed of [undefined, ...subsets]) {
              for (const off of [undefined, true, false]) {
                for (const days of [undefined, 7, 365]) {
                  for (const projDefault of [undefined, ...SHARE_SCOPES]) {
                    const rule: ProjectKindRule = { ...(projAllowed ? { allowedScopes: projAllowed } : {}), ...(off !== undefined ? { off } : {}), ...(days ? { publicMaxDays: days } : {}), ...(projDefault ? { defaultScope: projDefault } : {}), freeBusyOnly: false };
                    const r = narrow(site, rule);
                    const wider =
                      (r.on && !site.on) ||
                      r.allowedScopes.some((s) => !site.allowedScopes.includes(s)) ||
                      (r.allowedScopes.length > 0 && !r.allowedScopes.includes(r.defaultScope)) ||
                      (site.freeBusyOnly && !r.freeBusyOnly) ||
                      (site.publicMaxDays !== undefined && !(r.publicMaxDays !== undefined && r.publicMaxDays <= site.publicMaxDays));
                    checked++;
                    if (wider) widened.push(JSON.stringify({ site, rule, r }));
                  }
                }
              }
            }
          }
        }
      }
    }
    expect(checked).toBe(7 * 2 * 2 * 2 * 9 * 3 * 3 * 4);
    expect(widened).toEqual([]);
  });

  it('a project that drops Public narrows stored Public shares to Atlassian users, and Private stays private', () => {
    const p = policyFor(settings(), { projectId: '10000', kinds: { mail: { allowedScopes: ['private', 'atlassian'] } }, updatedAt: NOW.toISOString(), updatedBy: 'a' }, 'mail');
    expect(p.allowedScopes).toEqual(['private', 'atlassian']);
    expect(scopeNow('public', p.allowedScopes)).toBe('atlassian');
    expect(scopeNow('private', ['atlassian', 'public'])).toBe('private');
    // Conversations in the same project keep the site's rule.
    expect(policyFor(settings(), { projectId: '10000', kinds: { mail: { allowedScopes: ['private'] } }, updatedAt: NOW.toISOString(), updatedBy: 'a' }, 'conversation').allowedScopes).toEqual(['private', 'atlassian', 'public']);
  });

  it('a per-kind site rule stays within the site-wide audiences, and a kind follows its own feature switch', () => {
    const s = settings({ allowedScopes: ['private', 'atlassian'], kinds: { chat: { allowedScopes: ['private', 'public'], defaultScope: 'public' } } }, { 'share.chat': false });
    const chat = sitePolicy(s, 'chat');
    expect(chat.allowedScopes).toEqual(['private']);
    expect(chat.defaultScope).toBe('private');
    expect(chat.on).toBe(false);
    expect(sitePolicy(s, 'mail')).toMatchObject({ on: true, allowedScopes: ['private', 'atlassian'], defaultScope: 'atlassian' });
  });

  it('calendars are free/busy only when the site or the project says so, other kinds never', () => {
    const s = settings({ calendarFreeBusyOnly: true });
    expect(sitePolicy(s, 'calendar').freeBusyOnly).toBe(true);
    expect(sitePolicy(s, 'event').freeBusyOnly).toBe(false);
    expect(policyFor(settings(), { projectId: '1', kinds: { calendar: { freeBusyOnly: true } }, updatedAt: NOW.toISOString(), updatedBy: 'a' }, 'calendar').freeBusyOnly).toBe(true);
  });

  it('refuses an unknown kind, field or audience in a project change, and reads a damaged stored rule as off', () => {
    expect(parseProjectKinds({ mail: { allowedScopes: ['everyone'] } }).ok).toBe(false);
    expect(parseProjectKinds({ fax: {} }).ok).toBe(false);
    expect(parseProjectKinds({ mail: { widen: true } }).ok).toBe(false);
    expect(parseProjectKinds({ mail: { allowedScopes: ['private'], defaultScope: 'public' } }).ok).toBe(false);
    expect(parseProjectKinds({ __proto__: { off: false } }).ok).toBe(true);
    const stored = readProjectPolicy({ projectId: '10000', updatedAt: NOW.toISOString(), updatedBy: 'x', kinds: { mail: { allowedScopes: 'public' }, chat: { off: false } } });
    expect(stored?.kinds.mail).toEqual({ off: true });
    expect(policyFor(settings(), stored, 'mail').on).toBe(false);
    expect(policyFor(settings(), stored, 'chat').on).toBe(settings().features['share.chat']);
  });

  it('the admin sets a maximum for Public and per-kind rules; an older page saving only the scopes keeps them', () => {
    const patch = parseSettingsPatch({ sharing: { defaultScope: 'atlassian', allowedScopes: ['private', 'atlassian', 'public'], publicMaxDays: 30, kinds: { mail: { allowedScopes: ['private'], defaultScope: 'private' } } } });
    expect(patch.ok).toBe(true);
    if (!patch.ok) return;
    const s1 = applyPatch(defaultSettings(), patch.value, NOW);
    const older = parseSettingsPatch({ sharing: { defaultScope: 'private', allowedScopes: ['private', 'atlassian', 'public'] } });
    if (!older.ok) throw new Error('older patch refused');
    const s2 = applyPatch(s1, older.value, NOW);
    expect(s2.sharing).toMatchObject({ defaultScope: 'private', publicMaxDays: 30, kinds: { mail: { allowedScopes: ['private'] } } });
    const cleared = parseSettingsPatch({ sharing: { defaultScope: 'private', allowedScopes: ['private'], publicMaxDays: 0 } });
    if (!cleared.ok) throw new Error('clearing refused');
    expect(applyPatch(s2, cleared.value, NOW).sharing.publicMaxDays).toBeUndefined();
    for (const bad of [{ publicMaxDays: -1 }, { publicMaxDays: 1.5 }, { publicMaxDays: 99999 }, { kinds: { fax: { allowedScopes: ['private'], defaultScope: 'private' } } }, { unknown: 1 }, { calendarFreeBusyOnly: 'yes' }]) {
      expect(parseSettingsPatch({ sharing: { defaultScope: 'private', allowedScopes: ['private'], ...bad } }).ok).toBe(false);
    }
    expect(SHARING_KIND_NAMES).toHaveLength(5);
  });
});

describe('expiry', () => {
  it('a share ends at its end date, not a moment before', () => {
    expect(hasEnded({}, NOW)).toBe(false);
    expect(hasEnded({ expiresAt: new Date(NOW.getTime() + 1000).toISOString() }, NOW)).toBe(false);
    expect(hasEnded({ expiresAt: NOW.toISOString() }, NOW)).toBe(true);
  });

  it('a Public share without an end date gets the latest allowed one; one beyond the maximum is refused', () => {
    expect(endDate(undefined, 'public', { publicMaxDays: 30 }, NOW)).toEqual({ ok: true, value: new Date(NOW.getTime() + 30 * DAY).toISOString() });
    expect(endDate(undefined, 'atlassian', { publicMaxDays: 30 }, NOW)).toEqual({ ok: true, value: undefined });
    expect(endDate(new Date(NOW.getTime() + 31 * DAY).toISOString(), 'public', { publicMaxDays: 30 }, NOW)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', reason: 'public_expiry_too_far' } });
    expect(endDate(new Date(NOW.getTime() + 31 * DAY).toISOString(), 'atlassian', { publicMaxDays: 30 }, NOW).ok).toBe(true);
    expect(endDate(new Date(NOW.getTime() - 1000).toISOString(), 'private', {}, NOW)).toMatchObject({ ok: false, error: { reason: 'expiry_in_past' } });
    expect(endDate('tomorrow', 'private', {}, NOW)).toMatchObject({ ok: false, error: { reason: 'bad_payload' } });
  });

  it('making a share Public shortens a longer end date to the maximum, and keeps a shorter one', () => {
    const soon = new Date(NOW.getTime() + 2 * DAY).toISOString();
    expect(endDateForScope(soon, 'public', { publicMaxDays: 30 }, NOW)).toBe(soon);
    expect(endDateForScope(undefined, 'public', { publicMaxDays: 30 }, NOW)).toBe(new Date(NOW.getTime() + 30 * DAY).toISOString());
    expect(endDateForScope(undefined, 'atlassian', { publicMaxDays: 30 }, NOW)).toBeUndefined();
  });
});

describe('who opened it', () => {
  const share = { shareId: 'S'.repeat(22), sharerAccountId: 'alice' };

  it('records others’ views, never the sharer’s own, and counts one person once per half hour', () => {
    expect(openOf(share, 'alice', NOW, () => 'x')).toBeUndefined();
    const a = openOf(share, 'bob', NOW, () => 'x');
    const b = openOf(share, 'bob', new Date(NOW.getTime() + 60_000), () => 'x');
    const c = openOf(share, 'bob', new Date(NOW.getTime() + 31 * 60_000), () => 'x');
    expect(a?.openId).toBe(b?.openId);
    expect(c?.openId).not.toBe(a?.openId);
    const anon1 = openOf(share, undefined, NOW, () => 'one');
    const anon2 = openOf(share, undefined, NOW, () => 'two');
    expect(anon1?.viewerAccountId).toBeUndefined();
    expect(anon1?.openId).not.toBe(anon2?.openId);
  });

  it('counts the last 90 days only: by person, and anonymous visitors without identifying them', () => {
    const at = (daysAgo: number) => new Date(NOW.getTime() - daysAgo * DAY).toISOString();
    const opens: OpenRecord[] = [
      { openId: '1', shareId: share.shareId, sharerAccountId: 'alice', viewerAccountId: 'bob', at: at(1) },
      { openId: '2', shareId: share.shareId, sharerAccountId: 'alice', viewerAccountId: 'bob', at: at(3) },
      { openId: '3', shareId: share.shareId, sharerAccountId: 'alice', viewerAccountId: 'carol', at: at(89) },
      { openId: '4', shareId: share.shareId, sharerAccountId: 'alice', at: at(2) },
      { openId: '5', shareId: share.shareId, sharerAccountId: 'alice', viewerAccountId: 'dana', at: at(91) },
    ];
    const s = summarise(opens, NOW);
    expect(s).toEqual({ total: 4, anonymous: 1, people: [{ accountId: 'bob', count: 2, lastAt: at(1) }, { accountId: 'carol', count: 1, lastAt: at(89) }], more: false });
    expect(openCutoff(NOW)).toBe(at(90));
  });
});

describe('hand-over offers', () => {
  it('reads only well-formed offers, and an offer lapses after 14 days', () => {
    const o = { offerId: 'O'.repeat(22), fromAccountId: 'alice', toAccountId: 'bob', shareIds: `${'A'.repeat(22)} ${'B'.repeat(22)}`, createdAt: NOW.toISOString() };
    expect(readOffer(o)).toEqual(o);
    expect(readOffer({ ...o, shareIds: 'x' })).toBeUndefined();
    expect(readOffer({ ...o, toAccountId: '../bob' })).toBeUndefined();
    expect(offerLapsed(o, new Date(NOW.getTime() + 13 * DAY))).toBe(false);
    expect(offerLapsed(o, new Date(NOW.getTime() + 14 * DAY))).toBe(true);
  });
});
