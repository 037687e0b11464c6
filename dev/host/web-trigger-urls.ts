import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { AppManifest, WebTriggerModule } from './manifest';

/** One web trigger URL: created for an installation (its context ARI) and a module, until deleted. */
export interface WebTriggerUrlRecord {
  id: string;
  triggerKey: string;
  contextId: string;
  /** `urlFormat`: v1 `…/x1/{id}` (the default), v2 `…/public/{id}` (manifest-reference/modules/web-trigger). */
  format: 'v1' | 'v2';
  /** `getUrl(key, {secretKeyConfig})`: the secret an hmacSharedSecret trigger's callers sign with. */
  secretKey?: string;
}

export interface WebTriggerUrls {
  /** `webTrigger.getUrl`: the installation's existing URL for the module, or a new one with `forceCreate`. */
  getUrl(input: { triggerKey: string; contextId: string; forceCreate: boolean; secretKeyConfig?: { key: string } }): { url: string } | { error: string };
  /** `webTrigger.deleteUrl`: by the id in the URL; false when there is none. */
  deleteUrl(id: string): boolean;
  /** `webTrigger.queryUrls`: the installation's URLs. */
  queryUrls(contextId: string): Array<{ triggerKey: string; url: string }>;
  /** The URL a request reached, or undefined (the platform answers 404). */
  resolve(format: 'v1' | 'v2', id: string): (WebTriggerUrlRecord & { trigger: WebTriggerModule }) | undefined;
  /** The URL `getUrl(key)` gives the installation, creating it if needed (as `forge webtrigger create` does). */
  defaultUrl(contextId: string, triggerKey: string): string;
  url(record: WebTriggerUrlRecord): string;
}

/**
 * Web trigger URLs as the platform keeps them (runtime-reference/web-trigger-api; `@forge/api` 8.3.0
 * `webTrigger.js`): per installation — the SDK sends `contextId: runtime.contextAri` — and per module; `getUrl`
 * reuses the installation's URL unless `forceCreate`; `deleteUrl` ends one (later requests get 404). Every URL
 * lives in `file`, so registered redirect URIs survive a restart.
 *
 * The first URL of each module for each installation has a readable id chosen by `defaultId`, so the local URLs an
 * Entra app registration lists stay the same run after run; forced and re-created URLs get random ids, as Forge's do.
 */
export function webTriggerUrls(opts: { origin: string; manifest: AppManifest; file?: string; defaultId: (contextId: string, triggerKey: string) => string }): WebTriggerUrls {
  const records = new Map<string, WebTriggerUrlRecord>();
  // Ids of deleted URLs are never handed out again: a deleted URL stays dead.
  const retired = new Set<string>();
  if (opts.file && existsSync(opts.file)) {
    const saved = JSON.parse(readFileSync(opts.file, 'utf8')) as { urls: WebTriggerUrlRecord[]; retired: string[] };
    for (const r of saved.urls) records.set(r.id, r);
    for (const id of saved.retired) retired.add(id);
  }
  const save = () => {
    if (opts.file) writeFileSync(opts.file, `${JSON.stringify({ urls: [...records.values()], retired: [...retired] }, null, 1)}\n`, { mode: 0o600 });
  };
  const url = (r: WebTriggerUrlRecord) => `${opts.origin}/${r.format === 'v2' ? 'public' : 'x1'}/${encodeURIComponent(r.id)}`;
  const newId = () => randomBytes(19).toString('base64url').replace(/[-_]/g, 'A').slice(0, 25);
  const existing = (contextId: string, triggerKey: string) => [...records.values()].find((r) => r.contextId === contextId && r.triggerKey === triggerKey);

  function create(trigger: WebTriggerModule, contextId: string, secretKey?: string): WebTriggerUrlRecord {
    const preferred = opts.defaultId(contextId, trigger.key);
    const id = records.has(preferred) || retired.has(preferred) || existing(contextId, trigger.key) ? newId() : preferred;
    const record: WebTriggerUrlRecord = { id, triggerKey: trigger.key, contextId, format: trigger.urlFormat, ...(secretKey ? { secretKey } : {}) };
    records.set(id, record);
    save();
    return record;
  }

  return {
    getUrl({ triggerKey, contextId, forceCreate, secretKeyConfig }) {
      const trigger = opts.manifest.webTriggers.get(triggerKey);
      if (!trigger) return { error: `No webtrigger module with key '${triggerKey}'` };
      // Stricter: a trigger that authenticates callers with a shared secret needs one to hand out a URL.
      if (trigger.authentication === 'hmacSharedSecret' && !secretKeyConfig?.key) {
        return { error: `Web trigger '${triggerKey}' declares request.authentication: hmacSharedSecret; getUrl needs secretKeyConfig.` };
      }
      const found = forceCreate ? undefined : existing(contextId, triggerKey);
      return { url: url(found ?? create(trigger, contextId, secretKeyConfig?.key)) };
    },
    deleteUrl(id) {
      const had = records.delete(id);
      if (had) {
        retired.add(id);
        save();
      }
      return had;
    },
    queryUrls: (contextId) => [...records.values()].filter((r) => r.contextId === contextId).map((r) => ({ triggerKey: r.triggerKey, url: url(r) })),
    resolve(format, id) {
      const r = records.get(id);
      const trigger = r ? opts.manifest.webTriggers.get(r.triggerKey) : undefined;
      return r && trigger && r.format === format ? { ...r, trigger } : undefined;
    },
    defaultUrl(contextId, triggerKey) {
      const trigger = opts.manifest.webTriggers.get(triggerKey);
      if (!trigger) throw new Error(`No webtrigger module with key '${triggerKey}'`);
      return url(existing(contextId, triggerKey) ?? create(trigger, contextId));
    },
    url,
  };
}

const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });

/**
 * The platform GraphQL operations `@forge/api`'s webTrigger sends (`forge_app_createWebTriggerUrl`,
 * `forge_app_deleteWebTriggerUrl`, `forge_app_webTriggerUrlsByAppContext`); anything else is not emulated.
 */
export function webTriggerGraphql(urls: WebTriggerUrls, body: string | undefined): Response {
  let parsed: { query?: string; variables?: Record<string, any> };
  try {
    parsed = JSON.parse(body ?? '{}');
  } catch {
    return new Response(JSON.stringify({ errors: [{ message: 'Invalid JSON' }] }), { status: 400, headers: { 'content-type': 'application/json' } });
  }
  const q = parsed.query ?? '';
  const v = parsed.variables ?? {};
  if (q.includes('createWebTriggerUrl')) {
    const input = v.input ?? {};
    const out = urls.getUrl({ triggerKey: String(input.triggerKey ?? ''), contextId: String(input.contextId ?? ''), forceCreate: v.forceCreate === true, ...(input.secretKeyConfig ? { secretKeyConfig: input.secretKeyConfig } : {}) });
    return 'url' in out ? json({ data: { createWebTriggerUrl: { url: out.url } } }) : json({ data: { createWebTriggerUrl: null }, errors: [{ message: out.error }] });
  }
  if (q.includes('webTriggerUrlsByAppContext')) return json({ data: { webTriggerUrlsByAppContext: urls.queryUrls(String(v.contextId ?? '')) } });
  if (q.includes('deleteWebTriggerUrl')) {
    const ok = urls.deleteUrl(String(v.id ?? ''));
    return json({ data: { deleteWebTriggerUrl: { success: ok, message: ok ? null : `No web trigger URL with id '${String(v.id)}'` } } });
  }
  return json({ errors: [{ message: 'This GraphQL operation is not emulated by the local host.' }] });
}
