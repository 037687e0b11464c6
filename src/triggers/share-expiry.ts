import { logFailure } from '../adapters/forge/log';
import { services } from '../services';
import { myShares } from '../share-services';

/**
 * Hourly: deletes shares whose end date passed (with their links and opens), opens older than 90
 * days and hand-over offers older than 14 days. An ended share already shows as ended before this
 * runs (the view path compares dates); this only removes its records. Runs in each installation
 * (Jira and Confluence keep separate storage), as the app: nothing here acts as a user.
 */
export async function shareExpiry(): Promise<{ shares: number; opens: number; offers: number }> {
  const s = services();
  try {
    // Only the JQL mirror of Jira issues is written (as the app); a Confluence installation has none to write.
    return await myShares(s, { installContext: 'ari:cloud:jira::site/scheduled' }).expire();
  } catch (e) {
    const level = await s.settings.current().then((st) => st.diagnostics, () => 'codes-only' as const);
    logFailure(level, 'share-expiry', e);
    throw e;
  }
}
