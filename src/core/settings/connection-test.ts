/**
 * "Test connection" on the admin page: an app-only token request (client credentials) proves that the
 * client id, the secret and the tenant belong together. Entra's AADSTS numbers become plain words.
 * Sources: learn.microsoft.com/entra/identity-platform/reference-error-codes (AADSTS7000215 invalid
 * secret, AADSTS7000222 expired secret, AADSTS700016 application not found in the directory,
 * AADSTS90002 tenant not found).
 */
export type ConnectionTestOutcome =
  | { ok: true; tenantId?: string; message: string }
  | { ok: false; problem: 'wrong_secret' | 'expired_secret' | 'app_not_in_tenant' | 'unknown_tenant' | 'tenant_not_specific' | 'unreachable' | 'throttled' | 'unexpected'; message: string; detail?: string };

export interface TokenAttempt {
  ok: boolean;
  /** Entra's AADSTS number when it refused. */
  aadsts?: number;
  kind?: 'invalid_grant' | 'invalid_client' | 'consent_required' | 'throttled' | 'unavailable' | 'unexpected';
  description?: string;
  /** `tid` of the app-only token, when it succeeded. */
  tenantId?: string;
}

export function explainConnectionTest(tenant: string, attempt: TokenAttempt): ConnectionTestOutcome {
  if (attempt.ok) {
    return { ok: true, ...(attempt.tenantId ? { tenantId: attempt.tenantId } : {}), message: 'Microsoft accepted the client id and secret for this tenant.' };
  }
  const detail = attempt.description ? { detail: attempt.description.slice(0, 300) } : {};
  switch (attempt.aadsts) {
    case 7000215:
      return { ok: false, problem: 'wrong_secret', message: 'Microsoft refused the client secret: it is not a secret of this app registration. Copy the secret’s Value (not its Secret ID) from Certificates & secrets.', ...detail };
    case 7000222:
      return { ok: false, problem: 'expired_secret', message: 'The client secret has expired. Create a new one in Microsoft Entra (Certificates & secrets) and paste its value here.', ...detail };
    case 700016:
      return { ok: false, problem: 'app_not_in_tenant', message: 'No app with this client id exists in that tenant. Check the client id, or use the tenant where the app is registered (or make the app multi-tenant).', ...detail };
    case 90002:
      return { ok: false, problem: 'unknown_tenant', message: `Microsoft does not know the tenant “${tenant}”. Use the Directory (tenant) ID or a verified domain of your organisation.`, ...detail };
    default:
  }
  if (attempt.kind === 'throttled') return { ok: false, problem: 'throttled', message: 'Microsoft is busy. Try the test again in a minute.', ...detail };
  if (attempt.kind === 'unavailable') return { ok: false, problem: 'unreachable', message: 'Microsoft’s sign-in service did not answer. Try again in a moment.', ...detail };
  if (attempt.kind === 'invalid_client') return { ok: false, problem: 'wrong_secret', message: 'Microsoft refused the app’s credentials. Check the client id and the secret’s value.', ...detail };
  return { ok: false, problem: 'unexpected', message: 'Microsoft refused the test for a reason the app does not recognise; the detail below says what Microsoft answered.', ...detail };
}

/** Client credentials need a real tenant; `organizations` can sign users in but cannot be tested this way. */
export const needsSpecificTenant = (tenant: string): ConnectionTestOutcome | undefined =>
  tenant === 'organizations'
    ? { ok: false, problem: 'tenant_not_specific', message: 'With “organizations”, users of any Microsoft 365 organisation can sign in, but the app cannot be tested without one. Enter your own tenant id or domain to test; you can keep “organizations” when you save.' }
    : undefined;
