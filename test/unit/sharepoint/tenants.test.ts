import { describe, expect, it } from 'vitest';
import { parseListMacroConfig } from '../../../src/core/sharepoint/config';
import { checkSharePointHost, isSharePointHttpsUrl, tenantOfHost } from '../../../src/core/sharepoint/hosts';
import { macroRefusal } from '../../../src/core/sharepoint/policy';
import { parseSharePointUrl } from '../../../src/core/sharepoint/url';
import { listConfig, SITE_ID } from './fixtures';

// The admin's "only these SharePoint tenants" setting, applied by the one host rule.

const only = (...tenants: unknown[]) => ({ allowedHosts: [] as string[], tenants: tenants as string[] });
const verdict = (url: string, policy: ReturnType<typeof only>) => {
  const r = parseSharePointUrl(url, policy);
  return r.ok ? 'OK' : `${r.error.code}/${r.error.reason ?? ''}`;
};

describe('SharePoint tenants the admin allows', () => {
  it('no list, or an empty one: any tenant', () => {
    expect(verdict('https://fabrikam.sharepoint.com/sites/x', only())).toBe('OK');
    expect(verdict('https://fabrikam.sharepoint.com/sites/x', { allowedHosts: [], tenants: undefined } as never)).toBe('OK');
  });

  it('a listed tenant: its SharePoint and its OneDrive host, in any case', () => {
    const policy = only('contoso');
    expect(verdict('https://contoso.sharepoint.com/sites/x', policy)).toBe('OK');
    expect(verdict('https://contoso-my.sharepoint.com/personal/ada_contoso_com', policy)).toBe('OK');
    expect(verdict('https://CONTOSO.SharePoint.com/sites/x', policy)).toBe('OK');
  });

  it('another tenant is refused by policy, in words that name the allowed tenants', () => {
    const r = parseSharePointUrl('https://fabrikam.sharepoint.com/sites/x', only('contoso'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ code: 'FORBIDDEN', reason: 'tenant_not_allowed' });
    expect(r.error.message).toContain('Your admin allows SharePoint sites of contoso only');
    const three = parseSharePointUrl('https://evil.sharepoint.com/', only('contoso', 'northwind', 'fabrikam'));
    expect(!three.ok && three.error.message).toContain('of contoso, northwind and fabrikam only');
  });

  it.each([
    'https://evilcontoso.sharepoint.com/sites/x',
    'https://contosoevil.sharepoint.com/sites/x',
    'https://contoso-evil.sharepoint.com/sites/x',
    'https://contoso-my-my.sharepoint.com/sites/x',
    'https://contosomy.sharepoint.com/sites/x',
    'https://contoso-admin.sharepoint.com/',
    'https://my.sharepoint.com/',
  ])('look-alikes of a listed tenant are other tenants: %s', (url) => {
    expect(verdict(url, only('contoso'))).toBe('FORBIDDEN/tenant_not_allowed');
  });

  it.each([
    ['https://contoso.sharepoint.com.evil.com/sites/x', 'BAD_REQUEST/host_not_allowed'],
    ['https://contoso.evil.com/sites/x', 'BAD_REQUEST/host_not_allowed'],
    ['https://xn--cntoso-9ya.sharepoint.com/sites/x', 'BAD_REQUEST/host_not_allowed'],
    ['https://contoso.sharepoint.com@fabrikam.sharepoint.com/', 'BAD_REQUEST/credentials_in_url'],
    ['http://contoso.sharepoint.com/sites/x', 'BAD_REQUEST/not_https'],
  ])('the other checks still come first: %s → %s', (url, expected) => {
    expect(verdict(url, only('contoso'))).toBe(expected);
  });

  it('hostile or odd list entries are ignored, and a list with none left allows nothing (never "any")', () => {
    const junk = only('', ' ', '*', '*.sharepoint.com', 'contoso.sharepoint.com', 'contoso-my', '..', 'xn--cntoso-9ya', '__proto__', 'a'.repeat(64), 42, null, { toString: () => 'contoso' });
    expect(verdict('https://contoso.sharepoint.com/sites/x', junk)).toBe('FORBIDDEN/tenant_not_allowed');
    expect(verdict('https://fabrikam.sharepoint.com/sites/x', junk)).toBe('FORBIDDEN/tenant_not_allowed');
    const r = checkSharePointHost('contoso.sharepoint.com', junk);
    expect(!r.ok && r.error.message).toContain('no usable name');
    // Entries as an admin page might send them are trimmed and lower-cased.
    expect(verdict('https://contoso.sharepoint.com/sites/x', only(' Contoso ', '*'))).toBe('OK');
  });

  it('admin-added exact hosts stay allowed alongside the tenant list', () => {
    expect(verdict('https://intranet.contoso.com/sites/x', { allowedHosts: ['intranet.contoso.com'], tenants: ['fabrikam'] })).toBe('OK');
  });

  it('applies to stored links and stored site ids too', () => {
    expect(isSharePointHttpsUrl('https://contoso.sharepoint.com/sites/x', only('fabrikam'))).toBe(false);
    expect(isSharePointHttpsUrl('https://fabrikam-my.sharepoint.com/personal/x', only('fabrikam'))).toBe(true);
    expect(parseListMacroConfig(listConfig(), only('fabrikam')).ok).toBe(false);
    expect(parseListMacroConfig(listConfig(), only('contoso')).ok).toBe(true);
  });

  it('tenantOfHost reads the tenant of SharePoint and OneDrive hosts only', () => {
    expect(tenantOfHost('contoso.sharepoint.com')).toBe('contoso');
    expect(tenantOfHost('contoso-my.sharepoint.com')).toBe('contoso');
    expect(tenantOfHost('contoso.sharepoint.com.evil.com')).toBeUndefined();
    expect(tenantOfHost('a.b.sharepoint.com')).toBeUndefined();
  });
});

describe('macroRefusal: what the admin’s public settings say about a configured macro', () => {
  const on = { features: { sharepoint: true }, sharePointTenants: [] as string[] };

  it('nothing when the macros are on and any tenant is allowed', () => {
    expect(macroRefusal(on, SITE_ID)).toBeUndefined();
  });

  it('the macros switched off: FEATURE_OFF with the sentence the viewer reads', () => {
    expect(macroRefusal({ ...on, features: { sharepoint: false } }, SITE_ID)).toEqual({
      code: 'FEATURE_OFF',
      reason: 'feature_off:sharepoint',
      message: 'SharePoint macros were turned off by your admin.',
    });
  });

  it('a site on a tenant the admin no longer allows', () => {
    expect(macroRefusal({ ...on, sharePointTenants: ['fabrikam'] }, SITE_ID)).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'tenant_not_allowed',
      message: expect.stringContaining('Your admin allows SharePoint sites of fabrikam only'),
    });
    expect(macroRefusal({ ...on, sharePointTenants: ['contoso'] }, SITE_ID)).toBeUndefined();
  });
});
