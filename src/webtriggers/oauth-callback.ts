import { attempt, failWith, ok, type Result } from '../core/result';
import { BASE_SCOPES, FEATURES, isFeatureKey } from '../core/settings';
import type { PendingSignIn } from '../core/account/ports';
import { services, type Services } from '../services';
import { firstQueryValue, htmlPage, type WebTriggerRequest, type WebTriggerResponse } from './http';

export const NEXT_AFTER_FAILED_SIGN_IN = 'Close this tab. Back in Jira or Confluence, press “Connect Microsoft 365” to start again.';

/**
 * Microsoft redirects here after a user's sign-in and after an admin's approval for the organisation.
 * The one-time `state` says which, and who started it. The page answered is what the user sees in the new tab.
 */
export async function oauthCallback(req: WebTriggerRequest): Promise<WebTriggerResponse> {
  if (req.method !== 'GET') return htmlPage(405, 'Not allowed', 'This address only receives sign-in redirects from Microsoft.');
  const q = (name: string) => firstQueryValue(req, name);
  const s = services();
  const result = await attempt(async (): Promise<Result<{ title: string; message: string }>> => {
    const accounts = await s.accounts();
    const started = await accounts.takePending(q('state'));
    if (!started.ok) return started;
    if (started.value.purpose === 'admin-consent') return completeAdminConsent(s, started.value, q);
    const done = await accounts.finishSignIn(started.value, { code: q('code'), state: q('state'), error: q('error'), error_description: q('error_description') });
    if (!done.ok) return done;
    const { user } = done.value;
    return ok({ title: 'Microsoft 365 connected', message: `You are signed in as ${user.name} (${user.username}). You can close this tab and go back to Jira or Confluence.` });
  });
  if (result.ok) return htmlPage(200, result.value.title, result.value.message);
  const status = result.error.code === 'MS_SIGN_IN_FAILED' || result.error.code === 'MS_CONSENT_REQUIRED' ? 400 : 503;
  // The module that started the sign-in shows the same reason and its Connect button again (account/signIn/status).
  const next = result.error.reason?.startsWith('admin_consent') ? undefined : NEXT_AFTER_FAILED_SIGN_IN;
  return htmlPage(status, 'Microsoft 365 was not connected', result.error.message, next);
}

/** Entra's admin-consent redirect: `admin_consent=True&tenant=…&scope=…`, or `error=…`. */
async function completeAdminConsent(s: Services, started: PendingSignIn, q: (name: string) => string | undefined): Promise<Result<{ title: string; message: string }>> {
  const feature = started.feature;
  if (!isFeatureKey(feature)) return failWith('MS_SIGN_IN_FAILED', 'state_unknown');
  const error = q('error');
  if (error) {
    const description = q('error_description') ?? '';
    // A user who is not an administrator of the tenant cannot grant for the organisation.
    if (/AADSTS(90094|90095|65001)\b/.test(description)) return failWith('MS_CONSENT_REQUIRED', 'admin_consent_needs_admin');
    return failWith('MS_SIGN_IN_FAILED', 'admin_consent_declined');
  }
  if (q('admin_consent')?.toLowerCase() !== 'true') return failWith('MS_SIGN_IN_FAILED', 'admin_consent_declined');
  const tenant = (q('tenant') ?? '').slice(0, 100);
  const granted = (q('scope') ?? '').split(/\s+/).filter(Boolean).slice(0, 50);
  await s.settings.recordConsent(feature, { grantedAt: new Date().toISOString(), tenant, scopes: granted.length ? granted : [...BASE_SCOPES, ...FEATURES[feature].scopes] });
  return ok({ title: 'Permissions approved', message: `“${FEATURES[feature].label}” may now be used by everyone in your Microsoft 365 organisation. You can close this tab and go back to the app’s settings.` });
}
