import { feeds } from '../adapters/forge/feeds';
import { logFailure } from '../adapters/forge/log';

/** The build job's share of its 900 s: the rest is margin for the last page and the state write. */
const BUILD_BUDGET_MS = 780_000;

/**
 * Every five minutes: first builds of new or changed feeds, resumed builds of large ones, and each
 * feed's daily rebuild (which catches deleted and moved issues an incremental refresh cannot see).
 */
export async function calendarFeedsBuild(): Promise<{ built: string[]; pending: string[] }> {
  const f = feeds();
  try {
    return await f.service.tick(BUILD_BUDGET_MS);
  } catch (e) {
    const level = await f.settings.current().then((s) => s.diagnostics, () => 'codes-only' as const);
    logFailure(level, 'calendar-feeds-build', e);
    throw e;
  }
}

/** Jira issue events: caches refresh on their next fetch instead of waiting out their 15 minutes; deletions are remembered. */
export async function calendarFeedsIssueEvent(event: { eventType?: unknown; issue?: { id?: unknown } }): Promise<void> {
  const type = typeof event.eventType === 'string' ? event.eventType : '';
  const id = typeof event.issue?.id === 'string' ? event.issue.id : undefined;
  await feeds().service.onIssueEvent({ type, ...(id ? { issueId: id } : {}) });
}
