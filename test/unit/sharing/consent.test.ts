import { describe, expect, it } from 'vitest';
import { microsoftAccounts } from '../../../src/core/account/service';
import { FEATURES, firstUseScopes, scopesFor, type FeatureKey } from '../../../src/core/settings/features';
import { connectFeature } from '../../../src/resolvers/account';
import { nodeCrypto } from '../../../src/adapters/node/crypto';
import { fakeIdentity, memoryConnections, memoryPending } from '../account/fakes';

const ALICE = '557058:alice';
const BASE = ['openid', 'offline_access', 'User.Read', 'Sites.Read.All'];

function setup() {
  const connections = memoryConnections();
  const pending = memoryPending();
  const idp = fakeIdentity('client-1');
  const redeemed: string[][] = [];
  const identity = { ...idp.client, redeemCode: (input: Parameters<typeof idp.client.redeemCode>[0]) => (redeemed.push(input.scopes), idp.client.redeemCode(input)) };
  const accounts = microsoftAccounts({
    config: { authorizeEndpoint: 'https://login.example/t/oauth2/v2.0/authorize', clientId: 'client-1', scopes: BASE, graphBaseUrl: 'https://graph.example/v1.0', registrationKey: 'client-1@t', redirectUri: async () => 'https://app.example/cb' },
    connections,
    pending,
    identity,
    crypto: nodeCrypto,
  });
  return { accounts, connections, idp, redeemed };
}

const scopeOf = (r: { ok: boolean; value?: { authorizeUrl: string } }) => new URL(r.value?.authorizeUrl ?? 'x:').searchParams.get('scope')?.split(' ');

describe('Mail.Read is asked when sharing is first used, not at sign-in', () => {
  it('leaves first-use permissions out of every plain sign-in, whatever is switched on', () => {
    const all = Object.keys(FEATURES) as FeatureKey[];
    expect(scopesFor(all)).not.toContain('Mail.Read');
    expect(firstUseScopes('share.mail')).toEqual(['Mail.Read']);
    expect(firstUseScopes('sharepoint')).toEqual([]);
  });

  it('asks the feature’s permissions on top of the sign-in’s, and redeems the code for the same', async () => {
    const s = setup();
    const plain = await s.accounts.beginSignIn(ALICE);
    expect(scopeOf(plain)).toEqual(BASE);
    const r = await s.accounts.beginSignIn(ALICE, { extraScopes: firstUseScopes('share.mail') });
    expect(scopeOf(r)).toEqual([...BASE, 'Mail.Read']);
    const { code, state } = s.idp.issueCode(r.ok ? r.value.authorizeUrl : '');
    await s.accounts.completeSignIn({ code, state });
    expect(s.redeemed.at(-1)).toEqual([...BASE, 'Mail.Read']);
  });

  it('keeps what the connection was granted before when a later feature asks more', async () => {
    const s = setup();
    await s.connections.put(ALICE, { refreshToken: 'rt', user: { oid: 'o', tid: 't', name: 'A', username: 'a' }, scopes: ['openid', 'https://graph.microsoft.com/Calendars.Read', 'https://evil.example/x y'], connectedAt: '2026-01-01T00:00:00Z' });
    const r = await s.accounts.beginSignIn(ALICE, { extraScopes: ['Mail.Read'] });
    expect(scopeOf(r)).toEqual([...BASE, 'Calendars.Read', 'Mail.Read']);
  });
});

describe('account/connect’s feature', () => {
  it('takes only a built feature that asks permissions on first use', () => {
    expect(connectFeature(undefined)).toBeUndefined();
    expect(connectFeature({})).toBeUndefined();
    expect(connectFeature({ accountId: 'someone-else' })).toBeUndefined();
    expect(connectFeature({ feature: 'share.mail' })).toBe('share.mail');
    expect(connectFeature({ feature: 'sharepoint' })).toBeNull();
    expect(connectFeature({ feature: 'share.chat' })).toBe('share.chat');
    expect(connectFeature({ feature: 'share.calendar' })).toBe('share.calendar');
    expect(connectFeature({ feature: 'calendarFeeds' })).toBeNull();
    expect(connectFeature({ feature: '__proto__' })).toBeNull();
    expect(connectFeature({ feature: ['share.mail'] })).toBeNull();
  });
});
