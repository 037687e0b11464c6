import { feeds } from '../adapters/forge/feeds';
import { logFailure } from '../adapters/forge/log';
import type { WebTriggerRequest, WebTriggerResponse } from './http';

const header = (req: WebTriggerRequest, name: string): string | undefined => {
  const hit = Object.entries(req.headers).find(([k]) => k.toLowerCase() === name);
  return hit?.[1]?.join(', ');
};

/**
 * A calendar app fetching someone's feed (`<trigger url>/<token>.ics`). Calendar apps cannot sign in,
 * so the token in the path is the credential; everything about it — and the person it belongs to,
 * checked with Jira again now — is decided in the core. The token never appears in a log.
 */
export async function calendarFeed(req: WebTriggerRequest): Promise<WebTriggerResponse> {
  const f = feeds();
  try {
    const ifNoneMatch = header(req, 'if-none-match');
    const res = await f.service.serve({ method: req.method, userPath: req.userPath ?? '', ...(ifNoneMatch ? { ifNoneMatch } : {}) });
    return { statusCode: res.status, headers: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, [v]])), body: res.body ?? '' };
  } catch (e) {
    const level = await f.settings.current().then((s) => s.diagnostics, () => 'codes-only' as const);
    logFailure(level, 'calendar-feed', e);
    // Storage or Jira failed unexpectedly: calendar apps retry a 503 later and keep what they have.
    return { statusCode: 503, headers: { 'Content-Type': ['text/plain; charset=utf-8'], 'Retry-After': ['300'], 'Cache-Control': ['no-store'] }, body: 'The calendar is not available right now.\n' };
  }
}
