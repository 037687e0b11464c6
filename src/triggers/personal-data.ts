import { privacy } from '@forge/api';
import { kvs } from '@forge/kvs';
import { accountIndex, type AccountIndexEntry } from '../adapters/forge/account-stores';
import { keys } from '../adapters/forge/keys';
import { guardStorage } from '../adapters/forge/kvs-errors';
import { deleteAccountRecords } from '../adapters/forge/personal-data';
import { forgetAutomations } from '../automation-services';
import { logFailure } from '../adapters/forge/log';
import { services } from '../services';

/**
 * Daily: reports every account id the app stores to Atlassian's personal data reporting API
 * (`privacy.reportPersonalData`, which sends chunks of 90), and deletes everything stored for
 * accounts Atlassian reports closed. The app keeps no Atlassian profile data, so "updated" needs
 * nothing but a fresh `updatedAt`.
 */
export async function personalDataReport(): Promise<{ reported: number; closed: number; updated: number }> {
  const entries: Array<{ accountId: string; entry: AccountIndexEntry }> = [];
  try {
    for await (const e of accountIndex()) entries.push(e);
    if (entries.length === 0) return { reported: 0, closed: 0, updated: 0 };
    const answers = await privacy.reportPersonalData(entries.map(({ accountId, entry }) => ({ accountId, updatedAt: entry.updatedAt })));
    let closed = 0;
    let updated = 0;
    for (const a of answers) {
      const mine = entries.find((e) => e.accountId === a.accountId);
      if (!mine) continue;
      if (a.status === 'closed') {
        await deleteAccountRecords(a.accountId, forgetAutomations);
        closed++;
      } else {
        await guardStorage(() => kvs.set<AccountIndexEntry>(keys.accountIndex(a.accountId), { ...mine.entry, updatedAt: new Date().toISOString() }));
        updated++;
      }
    }
    return { reported: entries.length, closed, updated };
  } catch (e) {
    const level = await services().settings.current().then((s) => s.diagnostics, () => 'codes-only' as const);
    logFailure(level, 'personal-data-report', e);
    throw e;
  }
}
