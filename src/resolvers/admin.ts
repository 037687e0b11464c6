import type { Handlers } from '@forge/resolver';
import type { AdminDefs, StoredRecordKind } from '../contract';
import { services, type Services } from '../services';
import { asAdmin, asAnyone } from './context';
import { kvs, WhereConditions } from '@forge/kvs';
import { fail, ok, type Result } from '../core/result';
import {
  adminView,
  BASE_SCOPES,
  explainConnectionTest,
  FEATURES,
  isFeatureKey,
  needsSpecificTenant,
  parseRegistrationInput,
  parseSettingsPatch,
  publicSettings,
  registrationKey,
  type AdminView,
  type ConnectionTestOutcome,
  type PublicSettings,
} from '../core/settings';
import { IdentityError } from '../core/account/ports';
import { connectionStore } from '../adapters/forge/account-stores';
import { graphScopeUri, redirectUri } from '../adapters/forge/config';
import { RECORD_KINDS, type RecordKind } from '../adapters/forge/keys';
import { guardStorage } from '../adapters/forge/kvs-errors';
import type { Product } from '../adapters/forge/product';
import { identityClient } from '../adapters/microsoft/identity-client';
import { onFeatureChanged } from '../automation-services';

export async function view(s: Services, product: Product): Promise<Result<AdminView>> {
  const [settings, app, damaged, uri, storedConnections] = await Promise.all([s.settings.current(), s.settings.microsoftApp(), s.settings.damaged(), redirectUri(), connectionStore.count()]);
  const variablesAvailable = Boolean(process.env.MS_CLIENT_ID && process.env.MS_CLIENT_SECRET);
  return ok(adminView({ settings, app, variablesAvailable, redirectUri: uri, product, storedConnections, damaged }));
}

export const publicView = async (s: Services): Promise<Result<PublicSettings>> => ok(publicSettings(await s.settings.current()));

export async function saveSettings(s: Services, product: Product, payload: unknown): Promise<Result<AdminView>> {
  const patch = parseSettingsPatch(payload);
  if (!patch.ok) return patch;
  const before = (await s.settings.current()).features;
  await s.settings.update(patch.value);
  await onFeatureChanged(before, (await s.settings.current()).features, product);
  return view(s, product);
}

/** A change of client or tenant ends every stored connection, so the admin must confirm it knowingly. */
async function confirmIfConnectionsEnd(nextKey: string | undefined, s: Services, confirmed: boolean): Promise<Result<true>> {
  const before = await s.settings.microsoftApp();
  if (before === undefined || before.key === nextKey || confirmed) return ok(true);
  const n = await connectionStore.count();
  if (n === 0) return ok(true);
  return fail('BAD_REQUEST', `${n} ${n === 1 ? 'person has' : 'people have'} connected Microsoft 365 with the current registration. Changing the client or tenant ends those connections; confirm to go ahead.`, { reason: 'confirm_end_connections' });
}

export async function saveRegistration(s: Services, product: Product, payload: unknown): Promise<Result<AdminView>> {
  const current = await s.settings.current();
  const input = parseRegistrationInput(payload, { secretRequired: current.registration === undefined });
  if (!input.ok) return input;
  const confirmed = (payload as { confirmEndConnections?: unknown }).confirmEndConnections === true;
  const check = await confirmIfConnectionsEnd(registrationKey(input.value), s, confirmed);
  if (!check.ok) return check;
  const { keyChanged } = await s.settings.saveRegistration(input.value);
  if (keyChanged) await connectionStore.endAll('registration_changed');
  return view(s, product);
}

export async function clearRegistration(s: Services, product: Product, payload: unknown): Promise<Result<AdminView>> {
  const v = process.env;
  const fallbackKey = v.MS_CLIENT_ID && v.MS_CLIENT_SECRET ? registrationKey({ clientId: v.MS_CLIENT_ID, tenant: v.MS_TENANT || 'organizations' }) : undefined;
  const check = await confirmIfConnectionsEnd(fallbackKey, s, (payload as { confirmEndConnections?: unknown } | undefined)?.confirmEndConnections === true);
  if (!check.ok) return check;
  const { keyChanged } = await s.settings.clearRegistration();
  if (keyChanged) await connectionStore.endAll('registration_changed');
  return view(s, product);
}

const tenantOfToken = (jwt: string): string | undefined => {
  try {
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { tid?: unknown };
    return typeof claims.tid === 'string' ? claims.tid : undefined;
  } catch {
    return undefined;
  }
};

/** Asks Microsoft for an app-only token with the given (or saved) registration. Nothing is stored. */
export async function testRegistration(s: Services, payload: unknown): Promise<Result<ConnectionTestOutcome>> {
  const p = (payload ?? {}) as Record<string, unknown>;
  const app = await s.settings.microsoftApp();
  const draft = p.tenant !== undefined || p.clientId !== undefined || p.clientSecret !== undefined;
  let tenant: string;
  let clientId: string;
  let secret: () => Promise<string>;
  if (draft) {
    const input = parseRegistrationInput(payload, { secretRequired: app === undefined });
    if (!input.ok) return input;
    tenant = input.value.tenant;
    clientId = input.value.clientId;
    const typed = input.value.clientSecret;
    if (typed !== undefined) secret = () => Promise.resolve(typed);
    else if (app) secret = app.clientSecret;
    else return fail('BAD_REQUEST', 'Enter the client secret to test.');
  } else {
    if (!app) return fail('MISCONFIGURED', 'There is no app registration to test yet: enter the tenant, client id and secret.');
    ({ tenant, clientId } = app);
    secret = app.clientSecret;
  }
  const notTestable = needsSpecificTenant(tenant);
  if (notTestable) return ok(notTestable);
  const client = identityClient({ loginBaseUrl: s.endpoints.loginBaseUrl, tenant, clientId, clientSecret: secret });
  try {
    const grant = await client.appToken();
    const tenantId = tenantOfToken(grant.accessToken);
    return ok(explainConnectionTest(tenant, { ok: true, ...(tenantId ? { tenantId } : {}) }));
  } catch (e) {
    if (!(e instanceof IdentityError)) throw e;
    return ok(explainConnectionTest(tenant, { ok: false, kind: e.kind, description: e.description, ...(e.aadsts === undefined ? {} : { aadsts: e.aadsts }) }));
  }
}

export async function startConsent(s: Services, accountId: string, payload: unknown): Promise<Result<{ url: string }>> {
  const feature = (payload as { feature?: unknown } | undefined)?.feature;
  if (!isFeatureKey(feature) || !FEATURES[feature].built || FEATURES[feature].scopes.length === 0) return fail('BAD_REQUEST', 'That feature has no permissions to approve.');
  const app = await s.settings.microsoftApp();
  if (!app) return fail('MISCONFIGURED', 'Set up the app registration first.');
  const accounts = await s.accounts();
  const scopes = [...BASE_SCOPES, ...FEATURES[feature].scopes].map(graphScopeUri);
  return accounts.beginAdminConsent(accountId, { adminConsentEndpoint: `${s.endpoints.loginBaseUrl}/${encodeURIComponent(app.tenant)}/v2.0/adminconsent`, scopes, feature });
}

async function countPrefix(prefix: string): Promise<number> {
  let n = 0;
  let cursor: string | undefined;
  do {
    let q = kvs.query().where('key', WhereConditions.beginsWith(prefix)).limit(100);
    if (cursor) q = q.cursor(cursor);
    const page = await guardStorage(() => q.getMany());
    n += page.results.length;
    cursor = page.nextCursor;
  } while (cursor);
  return n;
}

/** "What this app stores", generated from the storage layout with live counts where they can be taken. */
export async function storageReport(): Promise<Result<StoredRecordKind[]>> {
  const kinds = Object.values(RECORD_KINDS) as RecordKind[];
  const connections = await connectionStore.count();
  const out: StoredRecordKind[] = [];
  for (const k of kinds) {
    let count: number | undefined;
    if (k.prefix === RECORD_KINDS.msConnection.prefix) count = connections;
    else if (k.storage === 'plain' && k.prefix.endsWith(':')) count = await countPrefix(k.prefix);
    out.push({ name: k.name, what: k.what, fields: [...k.fields], kept: k.kept, storage: k.storage, personal: k.perAccount, ...(count === undefined ? {} : { count }) });
  }
  return ok(out);
}

export const adminHandlers: Handlers<AdminDefs> = {
  'settings/public': () => {
    const s = services();
    return asAnyone(s, 'settings/public', () => publicView(s));
  },
  'admin/settings': ({ context }) => {
    const s = services();
    return asAdmin(s, 'admin/settings', context, (_id, product) => view(s, product));
  },
  'admin/settings/save': ({ payload, context }) => {
    const s = services();
    return asAdmin(s, 'admin/settings/save', context, (_id, product) => saveSettings(s, product, payload));
  },
  'admin/registration/save': ({ payload, context }) => {
    const s = services();
    return asAdmin(s, 'admin/registration/save', context, (_id, product) => saveRegistration(s, product, payload));
  },
  'admin/registration/clear': ({ payload, context }) => {
    const s = services();
    return asAdmin(s, 'admin/registration/clear', context, (_id, product) => clearRegistration(s, product, payload));
  },
  'admin/registration/test': ({ payload, context }) => {
    const s = services();
    return asAdmin(s, 'admin/registration/test', context, () => testRegistration(s, payload));
  },
  'admin/consent/start': ({ payload, context }) => {
    const s = services();
    return asAdmin(s, 'admin/consent/start', context, (accountId) => startConsent(s, accountId, payload));
  },
  'admin/storage': ({ context }) => {
    const s = services();
    return asAdmin(s, 'admin/storage', context, () => storageReport());
  },
};

