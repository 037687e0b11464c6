import type { SessionToken } from '../../../src/contract';
import {
  accountCopyPrefix,
  buildCopy,
  copiesToDrop,
  copyMadeAt,
  copyStorageKey,
  copyTree,
  encodeCopy,
  readCopy,
  tokenFingerprint,
  type CopySourceNode,
} from '../../../src/core/sharepoint/tab-copy';
import { keysStartingWith, tabStorage } from '../session';

/**
 * A SharePoint macro's tab copy, in the frame (the rules: src/core/sharepoint/tab-copy.ts). The entry shows
 * the copy beside the view's root as soon as it knows whose token and which macro ({@link showTabCopy}); the
 * view renders into its hidden root meanwhile. {@link watchFresh} follows the root: its first view that is
 * not a loading state replaces the copy, and if that view is one a macro marks `data-copyable` (the card,
 * the table), it becomes the tab's new copy; any other (an error, Connect, a refusal) removes the stored one.
 *
 * Markers the views set: `data-placeholder` on their loading states, `data-copyable` on their shown ones.
 */

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

function storage(): Storage | undefined {
  const s = tabStorage();
  // In memory only (the frame was denied sessionStorage): nothing outlives the frame, so nothing to show.
  return 'key' in s && 'length' in s ? (s as Storage) : undefined;
}

interface FrameCopy {
  key: string;
  accountId: string;
  /** The tab's current token for this account (the view's session may have renewed it). */
  token: () => SessionToken | undefined;
}
let frame: FrameCopy | undefined;
/** The copy on screen, until the fresh view replaces it. */
let shown: HTMLElement | undefined;

const rootEl = () => (typeof document === 'undefined' ? null : document.getElementById('root'));

/** Whether the product's theme is in: `data-color-mode` set and its tokens defined. */
function themeIn(): boolean {
  const html = document.documentElement;
  return html.hasAttribute('data-color-mode') && getComputedStyle(html).getPropertyValue('--ds-surface').trim() !== '';
}

/**
 * Shows this macro's copy, if the tab holds one made with `token`, and remembers which copy this frame
 * keeps. Returns whether a copy is on screen (a dark copy waits, hidden, for the dark tokens).
 */
export function showTabCopy(opts: { accountId: string; resource: string; config: unknown; token: () => SessionToken | undefined }): boolean {
  frame = { key: copyStorageKey(opts.accountId, opts.resource, opts.config), accountId: opts.accountId, token: opts.token };
  const s = storage();
  const root = rootEl();
  const token = opts.token();
  if (!s || !root || !token) return false;
  let raw: string | null;
  try {
    raw = s.getItem(frame.key);
  } catch {
    return false;
  }
  const copy = readCopy(raw, tokenFingerprint(token.accessToken));
  if (!copy) {
    // Made with an earlier token, or not a copy at all: of no use any more.
    if (raw !== null) forget();
    return false;
  }
  const box = document.createElement('div');
  box.className = 'tab-copy';
  box.setAttribute('data-tab-copy', '');
  // Shown, not used: nothing in it can be focused or clicked, and screen readers hear it is being updated.
  box.setAttribute('inert', '');
  box.setAttribute('aria-busy', 'true');
  buildCopy(copy.tree, document, box);
  if (copy.mode === 'dark' && !themeIn()) {
    box.hidden = true;
    const reveal = () => {
      if (shown !== box) return;
      if (themeIn()) box.hidden = false;
      else requestAnimationFrame(reveal);
    };
    requestAnimationFrame(reveal);
  }
  root.before(box);
  root.hidden = true;
  shown = box;
  return true;
}

function dropShown(): void {
  if (!shown) return;
  shown.remove();
  shown = undefined;
  const root = rootEl();
  if (root) root.hidden = false;
}

function forget(): void {
  if (!frame) return;
  try {
    storage()?.removeItem(frame.key);
  } catch {
    // Storage refused: the copy stays tied to its token and is never shown with another.
  }
}

/** Keeps the root's current view as this macro's copy (after the paint, off the view's critical path). */
function keep(root: HTMLElement): void {
  const f = frame;
  const token = f?.token();
  const s = storage();
  if (!f || !token || !s) return;
  // Cloned now, as it is on screen; read and stored after the paint.
  const clone = root.cloneNode(true) as unknown as CopySourceNode;
  const mode = document.documentElement.getAttribute('data-color-mode');
  const later = () => {
    const tree = copyTree(clone);
    if (!tree) {
      forget();
      return;
    }
    try {
      s.setItem(f.key, encodeCopy({ v: 1, token: tokenFingerprint(token.accessToken), at: Date.now(), ...(mode === 'dark' || mode === 'light' ? { mode } : {}), tree }));
      const mine = keysStartingWith(s, accountCopyPrefix(f.accountId)).map((key) => ({ key, at: copyMadeAt(s.getItem(key)) }));
      for (const k of copiesToDrop(mine)) s.removeItem(k);
    } catch {
      // Full or refused: no copy this time; the next load simply waits for Graph.
      forget();
    }
  };
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => setTimeout(later, 0));
  else setTimeout(later, 0);
}

/**
 * Follows the view's root until its first shown view: replaces the copy on screen with the fresh view as
 * soon as the view is past its loading states, and keeps that view as the new copy, or forgets the copy when
 * the fresh view is something else. Started once by the entry (static/shared/sharepoint/early.ts).
 */
export function watchFresh(): void {
  const root = rootEl();
  if (!root || typeof MutationObserver !== 'function') return;
  const check = (): boolean => {
    if (root.childElementCount === 0 || root.querySelector('[data-placeholder]')) return false;
    dropShown();
    if (root.querySelector('[data-copyable]')) {
      keep(root);
      return true;
    }
    forget();
    return false;
  };
  const watcher = new MutationObserver(() => {
    if (check()) watcher.disconnect();
  });
  watcher.observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-copyable', 'data-placeholder'] });
}
