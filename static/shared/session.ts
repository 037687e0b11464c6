import type { AppErrorBody, Result, SessionToken } from '../../src/contract';
import { accountCopyPrefix } from '../../src/core/sharepoint/tab-copy';

/**
 * The viewer's short-lived Graph token, kept for the tab only (sessionStorage or memory, never
 * localStorage) under the Atlassian account it was issued for, so switching users never reuses it.
 * The refresh token never reaches the browser.
 */
export type TokenSource = (opts: { refresh: boolean }) => Promise<Result<SessionToken>>;

const EARLY_EXPIRY_MS = 60_000;

type TokenStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/**
 * sessionStorage when the browser grants it. Browsers that block third-party storage (Chromium with
 * third-party-cookie deprecation, Safari) deny it to the Custom UI iframe, which is cross-site to the
 * product page; then the token lives in memory for as long as the iframe does.
 */
export function tabStorage(): TokenStorage {
  try {
    const s = window.sessionStorage;
    s.getItem('m365.probe');
    return s;
  } catch {
    return frameMemory;
  }
}
// One per frame, like sessionStorage is one per tab: a macro's early start and its view share the token.
const memory = new Map<string, string>();
const frameMemory: TokenStorage = { getItem: (k) => memory.get(k) ?? null, setItem: (k, v) => void memory.set(k, v), removeItem: (k) => void memory.delete(k) };
const PREFIX = 'm365.session.';
const storageKey = (accountId: string) => `${PREFIX}${accountId}`;

/** Whether this tab's sessionStorage holds a session token for anyone (false where the frame is denied storage). */
export function tabHoldsSession(read: () => Pick<Storage, 'length' | 'key'> = () => window.sessionStorage): boolean {
  try {
    const s = read();
    for (let i = 0; i < s.length; i++) if (s.key(i)?.startsWith(PREFIX)) return true;
    return false;
  } catch {
    return false;
  }
}

/** The keys of `storage` that start with `prefix` (none for the frame's memory store, which lists no keys). */
export function keysStartingWith(storage: object, prefix: string): string[] {
  const s = storage as Partial<Pick<Storage, 'key' | 'length'>>;
  if (typeof s.key !== 'function' || typeof s.length !== 'number') return [];
  const keys: string[] = [];
  for (let i = 0; i < s.length; i++) {
    const k = s.key(i);
    if (k?.startsWith(prefix)) keys.push(k);
  }
  return keys;
}

/**
 * The SharePoint macros' copies of what they last showed this account (src/core/sharepoint/tab-copy.ts):
 * they live beside the token and go with it.
 */
function forgetCopies(storage: TokenStorage, accountId: string): void {
  try {
    for (const k of keysStartingWith(storage, accountCopyPrefix(accountId))) storage.removeItem(k);
  } catch {
    // Storage refused: the copies stay tied to a token that is gone, and are never shown.
  }
}

export function createSession(accountId: string, fetchToken: TokenSource, storage: TokenStorage = tabStorage(), now: () => number = Date.now) {
  function cached(): SessionToken | undefined {
    try {
      const raw = storage.getItem(storageKey(accountId));
      if (!raw) return undefined;
      const t = JSON.parse(raw) as SessionToken;
      return t.expiresAt - now() > EARLY_EXPIRY_MS ? t : undefined;
    } catch {
      return undefined;
    }
  }

  async function token(refresh = false): Promise<{ ok: true; value: SessionToken } | { ok: false; error: AppErrorBody }> {
    if (!refresh) {
      const t = cached();
      if (t) return { ok: true, value: t };
    }
    const res = await fetchToken({ refresh });
    if (res.ok) storage.setItem(storageKey(accountId), JSON.stringify(res.value));
    else storage.removeItem(storageKey(accountId));
    return res;
  }

  return {
    token,
    hasToken: () => cached() !== undefined,
    /** The cached token, synchronously: lets a view start its first Graph request on its first render. */
    peek: () => cached(),
    /** Signs the tab out for this account: the token, and the SharePoint macros' copies made with it. */
    clear: () => {
      storage.removeItem(storageKey(accountId));
      forgetCopies(storage, accountId);
    },
  };
}

export type Session = ReturnType<typeof createSession>;
