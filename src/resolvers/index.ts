import { makeResolver, type Handlers } from '@forge/resolver';
import { FUNCTION_KEYS, type Defs } from '../contract';
import { services } from '../services';
import { asAccount, asAdmin, asAnyone } from './context';
import { deleteMyRecords, myRecords, token } from './account';
import * as admin from './admin';

const handlers: Handlers<Defs> = {
  'account/connect': ({ context }) => {
    const s = services();
    return asAccount(s, 'account/connect', context, async (accountId) => (await s.accounts()).beginSignIn(accountId));
  },
  'account/token': ({ payload, context }) => {
    const s = services();
    return asAccount(s, 'account/token', context, (accountId) => token(s, accountId, context.moduleKey, payload?.refresh === true));
  },
  'account/signOut': ({ context }) => {
    const s = services();
    return asAccount(s, 'account/signOut', context, async (accountId) => (await s.accounts()).signOut(accountId));
  },
  'account/records': ({ context }) => {
    const s = services();
    return asAccount(s, 'account/records', context, (accountId) => myRecords(accountId));
  },
  'account/records/delete': ({ context }) => {
    const s = services();
    return asAccount(s, 'account/records/delete', context, (accountId) => deleteMyRecords(accountId));
  },
  'settings/public': () => {
    const s = services();
    return asAnyone(s, 'settings/public', () => admin.publicView(s));
  },
  'admin/settings': ({ context }) => {
    const s = services();
    return asAdmin(s, 'admin/settings', context, (_id, product) => admin.view(s, product));
  },
  'admin/settings/save': ({ payload, context }) => {
    const s = services();
    return asAdmin(s, 'admin/settings/save', context, (_id, product) => admin.saveSettings(s, product, payload));
  },
  'admin/registration/save': ({ payload, context }) => {
    const s = services();
    return asAdmin(s, 'admin/registration/save', context, (_id, product) => admin.saveRegistration(s, product, payload));
  },
  'admin/registration/clear': ({ payload, context }) => {
    const s = services();
    return asAdmin(s, 'admin/registration/clear', context, (_id, product) => admin.clearRegistration(s, product, payload));
  },
  'admin/registration/test': ({ payload, context }) => {
    const s = services();
    return asAdmin(s, 'admin/registration/test', context, () => admin.testRegistration(s, payload));
  },
  'admin/consent/start': ({ payload, context }) => {
    const s = services();
    return asAdmin(s, 'admin/consent/start', context, (accountId) => admin.startConsent(s, accountId, payload));
  },
  'admin/storage': ({ context }) => {
    const s = services();
    return asAdmin(s, 'admin/storage', context, () => admin.storageReport());
  },
};

const dispatch = makeResolver<Defs>(handlers);
const known: ReadonlySet<string> = new Set(FUNCTION_KEYS);

/**
 * Only the contract's function keys are dispatched. @forge/resolver looks keys up with `in`, so
 * `constructor`, `__proto__` or `toString` would reach Object.prototype and answer with the caller's
 * own invocation context; they are refused here with the SDK's own words for an unknown key.
 */
export const resolver: typeof dispatch = (request, backend) => {
  const key = (request as { call?: { functionKey?: unknown } } | undefined)?.call?.functionKey;
  if (typeof key !== 'string' || !known.has(key)) return Promise.reject(new Error(`Resolver has no definition for '${String(key).slice(0, 100)}'.`));
  return dispatch(request, backend);
};
