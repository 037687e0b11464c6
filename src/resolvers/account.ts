import type { Handlers } from '@forge/resolver';
import type { AccountDefs, MyRecords } from '../contract';
import { services, type Services } from '../services';
import { asAccount } from './context';
import { failWith, ok, type Result } from '../core/result';
import { FEATURES, firstUseScopes, isFeatureKey, type FeatureKey } from '../core/settings';
import { kindOfKey, RECORD_KINDS } from '../adapters/forge/keys';
import { readAccountRecords, deleteAccountRecords } from '../adapters/forge/personal-data';
import { beforeSignOut, forgetAutomations } from '../automation-services';
import { hasShares, shareStore } from '../adapters/forge/share-store';
import { FEATURE_OF_KIND } from '../core/sharing/service';

/** Modules that exist for one feature: a switched-off feature gets no tokens there. */
const MODULE_FEATURE: Record<string, FeatureKey> = {
  'sharepoint-list': 'sharepoint',
  'sharepoint-document': 'sharepoint',
};

export const featureOfModule = (moduleKey: unknown): FeatureKey | undefined => (typeof moduleKey === 'string' && Object.hasOwn(MODULE_FEATURE, moduleKey) ? MODULE_FEATURE[moduleKey] : undefined);

export async function token(s: Services, accountId: string, moduleKey: unknown, refresh: boolean) {
  const feature = featureOfModule(moduleKey);
  if (feature) await s.settings.requireFeature(feature);
  return (await s.accounts()).accessToken(accountId, { forceRefresh: refresh });
}

/**
 * `account/connect`'s optional `feature`: absent for a plain sign-in (the rest of the payload is
 * ignored, as it always was: identity comes from the context); a built feature with first-use
 * permissions to ask them too. Any other `feature` is `null` (refused).
 */
export function connectFeature(payload: unknown): FeatureKey | undefined | null {
  if (typeof payload !== 'object' || payload === null || !Object.hasOwn(payload, 'feature')) return undefined;
  const feature = (payload as { feature?: unknown }).feature;
  if (!isFeatureKey(feature) || !FEATURES[feature].built || firstUseScopes(feature).length === 0) return null;
  return feature;
}

/**
 * Someone who shared mail and signs in again gets their items back with the same button as everyone:
 * the sign-in asks the permission those items are read with, which they already gave once.
 */
async function sharedItemsNeed(s: Services, accountId: string): Promise<readonly string[]> {
  const { features } = await s.settings.current();
  const kinds = ['share.mail', 'share.conversation', 'share.calendar', 'share.event', 'share.chat'] as const;
  if (!kinds.some((k) => features[k]) || !(await hasShares(accountId))) return [];
  // Calendars, events and chats are read with their own permissions: ask each one the person's shares use.
  const shared = new Set((await shareStore.bySharer(accountId)).map((r) => FEATURE_OF_KIND[r.kind]));
  return [...new Set(kinds.filter((k) => shared.has(k) && features[k]).flatMap((k) => firstUseScopes(k)))];
}

export async function myRecords(accountId: string): Promise<Result<MyRecords>> {
  const records = await readAccountRecords(accountId);
  return ok({ accountId, exportedAt: new Date().toISOString(), records: records.map((r) => ({ kind: RECORD_KINDS[kindOfKey(r.key) ?? 'accountIndex'].name, key: r.key, value: r.value })) });
}

export async function deleteMyRecords(accountId: string): Promise<Result<{ deleted: number }>> {
  return ok({ deleted: await deleteAccountRecords(accountId, forgetAutomations) });
}


export const accountHandlers: Handlers<AccountDefs> = {
  'account/connect': ({ payload, context }) => {
    const s = services();
    return asAccount(s, 'account/connect', context, async (accountId) => {
      const asked = connectFeature(payload);
      if (asked === null) return failWith('BAD_REQUEST', 'feature_not_consentable');
      if (asked) await s.settings.requireFeature(asked);
      // Every sign-in also asks what the person's shares are read with: signing in again from one item's
      // button (a chat) must bring back their mails and calendars too, not only that kind.
      const extra = [...new Set([...(asked ? firstUseScopes(asked) : []), ...(await sharedItemsNeed(s, accountId))])];
      return (await s.accounts()).beginSignIn(accountId, extra.length > 0 ? { extraScopes: extra } : {});
    });
  },
  'account/signIn/status': ({ payload, context }) => {
    const s = services();
    return asAccount(s, 'account/signIn/status', context, async (accountId) => (await s.accounts()).signInStatus(accountId, (payload as { signInId?: unknown } | undefined)?.signInId));
  },
  'account/signIn/cancel': ({ payload, context }) => {
    const s = services();
    return asAccount(s, 'account/signIn/cancel', context, async (accountId) => (await s.accounts()).cancelSignIn(accountId, (payload as { signInId?: unknown } | undefined)?.signInId));
  },
  'account/token': ({ payload, context }) => {
    const s = services();
    // A forged invoke may send no payload at all, whatever the contract's type says.
    return asAccount(s, 'account/token', context, (accountId) => token(s, accountId, context.moduleKey, (payload as { refresh?: unknown } | undefined)?.refresh === true));
  },
  'account/signOut': ({ context }) => {
    const s = services();
    return asAccount(s, 'account/signOut', context, async (accountId) => {
      await beforeSignOut(accountId);
      return (await s.accounts()).signOut(accountId);
    });
  },
  'account/records': ({ context }) => {
    const s = services();
    return asAccount(s, 'account/records', context, (accountId) => myRecords(accountId));
  },
  'account/records/delete': ({ context }) => {
    const s = services();
    return asAccount(s, 'account/records/delete', context, (accountId) => deleteMyRecords(accountId));
  },
};

