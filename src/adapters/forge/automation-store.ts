import { randomBytes } from 'node:crypto';
import { kvs, WhereConditions } from '@forge/kvs';
import { isRecord } from '../../core/guards';
import { MAX_LOG_ENTRIES, readLink, readLog, readMapping, readRule, readSubscription, type AutomationStore, type Rule, type TodoLink, type TodoSubscription } from '../../core/automations';
import { automationKeys, keys, RECORD_KINDS } from './keys';
import { guardStorage } from './kvs-errors';

/** A delivery log line lives at most this long, even when its rule sends nothing new for months. */
const LOG_TTL = { value: 90, unit: 'DAYS' } as const;

async function page(prefix: string, limit: number, cursor?: string): Promise<{ results: Array<{ key: string; value: unknown }>; nextCursor?: string }> {
  let q = kvs.query().where('key', WhereConditions.beginsWith(prefix)).limit(limit);
  if (cursor) q = q.cursor(cursor);
  return q.getMany();
}

/** Every value under a key prefix (KVS answers at most 100 a page). */
async function all(prefix: string): Promise<Array<{ key: string; value: unknown }>> {
  const out: Array<{ key: string; value: unknown }> = [];
  let cursor: string | undefined;
  do {
    const p = await page(prefix, 100, cursor);
    out.push(...p.results);
    cursor = p.nextCursor;
  } while (cursor);
  return out;
}

const defined = <T>(v: T | undefined): v is T => v !== undefined;
const conflict = (e: unknown) => (e as { code?: unknown }).code === 'KEY_CONFLICT';

/**
 * Automations in Forge KVS (plain values; the notification key as a KVS secret). Keys and what each
 * holds are described in keys.ts, which "What this app stores" and each person's export read.
 */
export const automationStore: AutomationStore = {
  rulesOfProject: (projectId) => guardStorage(async () => (await all(automationKeys.rulesOf(projectId))).map((r) => readRule(r.value)).filter(defined)),
  allRules: () => guardStorage(async () => (await all(RECORD_KINDS.automationRule.prefix)).map((r) => readRule(r.value)).filter(defined)),
  getRule: (projectId, ruleId) => guardStorage(async () => readRule(await kvs.get(automationKeys.rule(projectId, ruleId)))),
  putRule: (rule) => guardStorage(() => kvs.set(automationKeys.rule(rule.projectId, rule.id), rule)),
  deleteRule: (projectId, ruleId) =>
    guardStorage(async () => {
      for (const e of await all(automationKeys.logOf(ruleId))) await kvs.delete(e.key);
      await kvs.delete(automationKeys.rule(projectId, ruleId));
    }),

  // Entry ids sort newest first (inverted time), and KVS answers a prefix query in key order.
  log: (ruleId) => guardStorage(async () => readLog((await page(automationKeys.logOf(ruleId), MAX_LOG_ENTRIES)).results.map((r) => r.value))),
  putLogEntry: (ruleId, entry) =>
    guardStorage(async () => {
      await kvs.set(automationKeys.log(ruleId, entry.id), entry, { ttl: LOG_TTL });
      const first = await page(automationKeys.logOf(ruleId), 100);
      for (const old of first.results.slice(MAX_LOG_ENTRIES)) await kvs.delete(old.key);
    }),

  claim: (key, ttlSeconds) =>
    guardStorage(async () => {
      try {
        await kvs.set(automationKeys.seen(key), 1, { keyPolicy: 'FAIL_IF_EXISTS', ttl: { value: ttlSeconds, unit: 'SECONDS' } });
        return true;
      } catch (e) {
        if (conflict(e)) return false;
        throw e;
      }
    }),
  bump: (key, ttlSeconds) =>
    guardStorage(async () => {
      const k = automationKeys.cap(key);
      const n = (await kvs.get<number>(k)) ?? 0;
      await kvs.set(k, n + 1, { ttl: { value: ttlSeconds, unit: 'SECONDS' } });
      return n + 1;
    }),

  getMapping: (projectId) => guardStorage(async () => readMapping(await kvs.get(automationKeys.mapping(projectId)))),
  putMapping: (m) => guardStorage(() => kvs.set(automationKeys.mapping(m.projectId), m)),

  allLinks: () => guardStorage(async () => (await all(RECORD_KINDS.todoLink.prefix)).map((r) => readLink(r.value)).filter(defined)),
  linksOfAccount: (accountId) => guardStorage(async () => (await all(automationKeys.linksOf(accountId))).map((r) => readLink(r.value)).filter(defined)),
  linksOfIssue: (issueId) =>
    guardStorage(async () => {
      const index = await all(automationKeys.issueIndexOf(issueId));
      const out: TodoLink[] = [];
      for (const i of index) {
        if (!isRecord(i.value) || typeof i.value.accountId !== 'string' || typeof i.value.linkId !== 'string') continue;
        const l = readLink(await kvs.get(automationKeys.link(i.value.accountId, i.value.linkId)));
        if (l?.issueId === issueId) out.push(l);
      }
      return out;
    }),
  getLink: (accountId, linkId) => guardStorage(async () => readLink(await kvs.get(automationKeys.link(accountId, linkId)))),
  putLink: (l) =>
    guardStorage(async () => {
      await kvs.set(automationKeys.link(l.accountId, l.linkId), l);
      await kvs.set(automationKeys.issueIndex(l.issueId, l.accountId, l.linkId), { accountId: l.accountId, linkId: l.linkId });
    }),
  deleteLink: (l) =>
    guardStorage(async () => {
      await kvs.delete(automationKeys.issueIndex(l.issueId, l.accountId, l.linkId));
      await kvs.delete(automationKeys.link(l.accountId, l.linkId));
    }),

  getSubscription: (subId) => guardStorage(async () => readSubscription(await kvs.get(automationKeys.subscription(subId)))),
  allSubscriptions: () => guardStorage(async () => (await all(RECORD_KINDS.todoSubscription.prefix)).map((r) => readSubscription(r.value)).filter(defined)),
  putSubscription: (s) => guardStorage(() => kvs.set(automationKeys.subscription(s.subId), s)),
  deleteSubscription: (subId) => guardStorage(() => kvs.delete(automationKeys.subscription(subId))),
  notificationKey: (opts) =>
    guardStorage(async () => {
      if (opts?.rotate) await kvs.deleteSecret(automationKeys.notificationKey());
      return (await storedKey()) ?? (await makeKey());
    }),
  indexAccount: (accountId) =>
    guardStorage(async () => {
      if ((await kvs.get(keys.accountIndex(accountId))) === undefined) await kvs.set(keys.accountIndex(accountId), { updatedAt: new Date().toISOString(), connected: false });
    }),
};

/** The installation's notification key, if made yet (what the web trigger reads, once per runtime and minute). */
export async function storedKey(): Promise<string | undefined> {
  const v = await kvs.getSecret<unknown>(automationKeys.notificationKey());
  return typeof v === 'string' && v.length >= 43 ? v : undefined;
}

/** Made once per installation: two first uses at once agree on the first one written. */
async function makeKey(): Promise<string> {
  try {
    await kvs.setSecret(automationKeys.notificationKey(), randomBytes(32).toString('base64url'), { keyPolicy: 'FAIL_IF_EXISTS' });
  } catch (e) {
    if (!conflict(e)) throw e;
  }
  const key = await storedKey();
  if (!key) throw new Error('notification key not readable after writing it');
  return key;
}

/** A person's automation records, for their export (rules they own, their links and subscriptions). */
export async function automationRecordsOf(accountId: string): Promise<Array<{ key: string; value: unknown }>> {
  const out: Array<{ key: string; value: unknown }> = [];
  for (const r of await automationStore.allRules()) if (r.ownerAccountId === accountId) out.push({ key: automationKeys.rule(r.projectId, r.id), value: r });
  for (const l of await automationStore.linksOfAccount(accountId)) {
    out.push({ key: automationKeys.link(accountId, l.linkId), value: l });
    out.push({ key: automationKeys.issueIndex(l.issueId, accountId, l.linkId), value: { accountId, linkId: l.linkId } });
  }
  for (const s of await automationStore.allSubscriptions()) if (s.accountId === accountId) out.push({ key: automationKeys.subscription(s.subId), value: s });
  return out;
}

/**
 * Deletes a person's automation records. Their rules stay for the project (paused, without an owner,
 * for an admin to take over); their links and subscriptions go. Graph subscriptions are deleted by
 * `dropGraph` while the connection still works; otherwise they lapse within 3 days, and the consumer
 * drops their notifications (no record).
 */
export async function deleteAutomationRecordsOf(accountId: string, dropGraph: (s: TodoSubscription) => Promise<void>): Promise<void> {
  const at = new Date().toISOString();
  for (const r of await automationStore.allRules()) {
    if (r.ownerAccountId !== accountId) continue;
    const { ownerAccountId: _o, ownerMsUserId: _m, ...rest } = r;
    const orphan: Rule = { ...rest, state: { status: 'paused', reason: 'owner_left', since: at }, updatedAt: at };
    await automationStore.putRule(orphan);
  }
  for (const l of await automationStore.linksOfAccount(accountId)) await automationStore.deleteLink(l);
  for (const s of await automationStore.allSubscriptions()) {
    if (s.accountId !== accountId) continue;
    await dropGraph(s).catch(() => undefined);
    await automationStore.deleteSubscription(s.subId);
  }
}
