import { attempt } from '../core/result';
import { services } from '../services';
import { firstQueryValue, htmlPage, type WebTriggerRequest, type WebTriggerResponse } from './http';

/** Microsoft redirects here after sign-in. The page it answers is what the user sees in the new tab. */
export async function oauthCallback(req: WebTriggerRequest): Promise<WebTriggerResponse> {
  if (req.method !== 'GET') return htmlPage(405, 'Not allowed', 'This address only receives sign-in redirects from Microsoft.');
  const q = (name: string) => firstQueryValue(req, name);
  const result = await attempt(() =>
    services().accounts.completeSignIn({ code: q('code'), state: q('state'), error: q('error'), error_description: q('error_description') }),
  );
  if (result.ok) {
    const { user } = result.value;
    return htmlPage(200, 'Microsoft 365 connected', `You are signed in as ${user.name} (${user.username}). You can close this tab and go back to Jira or Confluence.`);
  }
  const status = result.error.code === 'MS_SIGN_IN_FAILED' ? 400 : 503;
  return htmlPage(status, 'Microsoft 365 was not connected', result.error.message);
}
