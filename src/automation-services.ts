import { automationsService } from './core/automations';
import { automationGraph, automationJira, automationQueue, hmacSha256, notificationUrl } from './adapters/forge/automations';
import { automationStore, deleteAutomationRecordsOf } from './adapters/forge/automation-store';
import { nodeCrypto } from './adapters/node/crypto';
import { services } from './services';

/*
 * Automations wired to Forge (src/adapters/forge/automations.ts: Jira, Graph as named people, the queue) and to
 * the app's services, per invocation like src/services.ts — and the moments other parts of the app call on them:
 * the admin's switch, a sign-out, a person's data deleted.
 */

/** The automations service on Forge, per invocation: KVS, Jira and Graph as named people, the queue. */
export function automations() {
  const s = services();
  const settings = s.settings;
  return {
    s,
    settings,
    service: automationsService({
      store: automationStore,
      jira: automationJira,
      graph: automationGraph(s),
      queue: automationQueue,
      crypto: nodeCrypto,
      now: () => new Date(),
      enabled: () => settings.enabled('automations'),
      notificationUrl,
      hmac: hmacSha256,
    }),
  };
}

/**
 * Called by the admin's settings save. Switched off: the trigger filter's app property goes at once (Jira
 * stops delivering events) and a queued job deletes every Graph subscription (Microsoft stops
 * notifying; the web trigger already does nothing once the switch is off). Switched on: the reverse.
 */
export async function onFeatureChanged(before: Readonly<Record<string, boolean>>, after: Readonly<Record<string, boolean>>, product: 'jira' | 'confluence'): Promise<void> {
  // Automations live in the Jira installation (its events, its web trigger); Confluence's has none.
  if (before.automations === after.automations || product !== 'jira') return;
  const on = after.automations === true;
  await automations().service.rules.syncFilter();
  await automationQueue.push([{ kind: 'switch', on }]);
}

/**
 * Before a person's sign-out ends their connection: their To Do subscriptions are deleted at Microsoft
 * as them (afterwards nobody could), so their lists stop notifying the app. Never stops the sign-out.
 */
export async function beforeSignOut(accountId: string): Promise<void> {
  await automations().service.todo.onSignedOut(accountId).catch(() => undefined);
}

/**
 * A person deleted their data, or their account closed: their links and subscriptions go (deleted at
 * Microsoft as them while their connection still works), and rules they owned stay for the project,
 * paused without an owner, for an admin to take over. Jira then stops delivering those projects' events.
 */
export async function forgetAutomations(accountId: string): Promise<void> {
  const a = automations();
  const graph = automationGraph(a.s);
  await deleteAutomationRecordsOf(accountId, async (s) => {
    if (s.graphId) await graph.deleteSubscription(s.accountId, s.graphId);
  });
  // Best effort: with their rules paused nothing is sent even if Jira still delivers an event.
  await a.service.rules.syncFilter().catch(() => undefined);
}
