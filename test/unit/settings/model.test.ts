import { describe, expect, it } from 'vitest';
import { applyPatch, defaultSettings, normaliseTenants, parseRegistrationInput, parseSettingsPatch, readSettings, scopesFor, settingsService, type AppSettings, type SettingsStore } from '../../../src/core/settings';

function memoryStore(initial?: unknown): SettingsStore & { doc: unknown; secret: string | undefined } {
  const s = {
    doc: initial,
    secret: undefined as string | undefined,
    load: async () => s.doc,
    save: async (v: AppSettings) => void (s.doc = structuredClone(v)),
    loadClientSecret: async () => s.secret,
    saveClientSecret: async (v: string) => void (s.secret = v),
    deleteClientSecret: async () => void (s.secret = undefined),
  };
  return s;
}

describe('stored settings', () => {
  it('a new installation has its built features on, the rest off, and Public sharing not allowed', () => {
    const { settings, damaged } = readSettings(undefined);
    expect(damaged).toEqual([]);
    expect(settings.features.sharepoint).toBe(true);
    expect(settings.features['share.chat']).toBe(true);
    expect(settings.sharing.allowedScopes).not.toContain('public');
    expect(settings.sharePointTenants).toEqual([]);
  });

  it('a damaged field falls back to its default and is named; the rest is kept', () => {
    const { settings, damaged } = readSettings({ features: 'yes', sharePointTenants: ['contoso', 'bad host!'], diagnostics: 'codes-only', registration: { tenant: 'x' } });
    expect(damaged).toEqual(['features', 'sharePointTenants', 'registration']);
    expect(settings.diagnostics).toBe('codes-only');
    expect(settings.features.sharepoint).toBe(true);
    expect(settings.registration).toBeUndefined();
  });

  it('keeps a built feature the admin switched off as off', () => {
    expect(readSettings({ features: { 'share.chat': false } }).settings.features['share.chat']).toBe(false);
  });
});

describe('a settings change', () => {
  it('refuses unknown fields, unknown or unbuilt features and malformed values, whole', () => {
    expect(parseSettingsPatch({ features: { sharepoint: false }, isAdmin: true })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(parseSettingsPatch(JSON.parse('{"features":{"__proto__":true}}'))).toMatchObject({ ok: false });
    expect(parseSettingsPatch({ features: { constructor: false } })).toMatchObject({ ok: false });
    expect(parseSettingsPatch({ features: { 'share.chat': 'on' } })).toMatchObject({ ok: false });
    expect(parseSettingsPatch({ sharing: { defaultScope: 'public', allowedScopes: ['private'] } })).toMatchObject({ ok: false });
    expect(parseSettingsPatch({ diagnostics: 'verbose' })).toMatchObject({ ok: false });
    expect(parseSettingsPatch('features')).toMatchObject({ ok: false });
  });

  it('applies a valid change and keeps what it does not mention', () => {
    const p = parseSettingsPatch({ features: { sharepoint: false }, sharePointTenants: ['https://Contoso.sharepoint.com/sites/x', 'contoso-my.sharepoint.com', 'fabrikam'] });
    if (!p.ok) throw new Error(p.error.message);
    const next = applyPatch(defaultSettings(), p.value, new Date('2026-12-01T00:00:00Z'));
    expect(next.features.sharepoint).toBe(false);
    expect(next.sharePointTenants).toEqual(['contoso', 'fabrikam']);
    expect(next.sharing).toEqual(defaultSettings().sharing);
    expect(next.updatedAt).toBe('2026-12-01T00:00:00.000Z');
  });

  it('refuses tenant names that are addresses of something else or look-alikes', () => {
    expect(normaliseTenants(['evil.com'])).toMatchObject({ ok: false });
    expect(normaliseTenants(['xn--cntoso-9ua'])).toMatchObject({ ok: false });
    expect(normaliseTenants(['a.b.sharepoint.com'])).toMatchObject({ ok: false });
    expect(normaliseTenants(new Array(51).fill('x'))).toMatchObject({ ok: false });
  });
});

describe('the app registration', () => {
  const CLIENT = '6f2b8c1e-4d3a-4b7f-9e21-0c5d7a9b3f10';

  it('accepts a tenant id, a domain or organizations, and a GUID client id', () => {
    expect(parseRegistrationInput({ tenant: 'organizations', clientId: CLIENT, clientSecret: 's3cr3t~x' }, { secretRequired: true })).toMatchObject({ ok: true });
    expect(parseRegistrationInput({ tenant: 'contoso.onmicrosoft.com', clientId: CLIENT.toUpperCase() }, { secretRequired: false })).toMatchObject({ ok: true, value: { clientId: CLIENT } });
    expect(parseRegistrationInput({ tenant: 'https://login.microsoftonline.com/x', clientId: CLIENT, clientSecret: 'x' }, { secretRequired: true })).toMatchObject({ ok: false });
    expect(parseRegistrationInput({ tenant: 'organizations', clientId: 'my-app', clientSecret: 'x' }, { secretRequired: true })).toMatchObject({ ok: false });
    expect(parseRegistrationInput({ tenant: 'organizations', clientId: CLIENT }, { secretRequired: true })).toMatchObject({ ok: false });
    expect(parseRegistrationInput({ tenant: 'organizations', clientId: CLIENT, clientSecret: ' pasted with space' }, { secretRequired: true })).toMatchObject({ ok: false });
  });

  it('comes from the page when set there, else from Forge variables, and says which', async () => {
    const store = memoryStore();
    const vars = { MS_CLIENT_ID: CLIENT, MS_CLIENT_SECRET: 'from-vars', MS_TENANT: 'contoso.onmicrosoft.com' };
    const s = settingsService({ store, variables: vars });
    const fromVars = await s.microsoftApp();
    expect(fromVars).toMatchObject({ source: 'variables', tenant: 'contoso.onmicrosoft.com' });
    expect(await fromVars?.clientSecret()).toBe('from-vars');

    const saved = await s.saveRegistration({ tenant: 'contoso.onmicrosoft.com', clientId: CLIENT, clientSecret: 'from-page' });
    expect(saved.keyChanged).toBe(false);
    const fromPage = await settingsService({ store, variables: vars }).microsoftApp();
    expect(fromPage?.source).toBe('settings');
    expect(await fromPage?.clientSecret()).toBe('from-page');
    // The secret is kept apart from the settings document, which any admin view is built from.
    expect(JSON.stringify(store.doc)).not.toContain('from-page');

    const other = await settingsService({ store, variables: vars }).saveRegistration({ tenant: 'organizations', clientId: CLIENT });
    expect(other.keyChanged).toBe(true);
    expect(store.secret).toBe('from-page');
  });

  it('asks sign-ins only for the permissions of enabled features', async () => {
    const s = settingsService({ store: memoryStore({ features: { sharepoint: false } }), variables: {} });
    expect(await s.signInScopes()).toEqual(scopesFor([]));
    expect(await s.signInScopes()).not.toContain('Sites.Read.All');
    await expect(s.requireFeature('sharepoint')).rejects.toMatchObject({ code: 'FEATURE_OFF' });
  });
});
