/**
 * The in-page half of the measurement. Installed with `context.addInitScript`, so it runs in every
 * frame (the cross-origin Custom UI iframes included) before the page's own scripts. In the frames it
 * cares about it checks once per animation frame — i.e. right before each paint — whether the first
 * rows (or the document card) are on screen, and stamps that moment on an epoch clock
 * (`performance.timeOrigin + performance.now()`), comparable with the top page's navigation start.
 */
export interface ProbeOptions {
  /** Texts that only a document card filled from Graph shows (the formatted size), not the stored config. */
  documentCardTexts: string[];
  /** Same for the MGT `mgt-file` peer. */
  mgtFileTexts: string[];
}

export interface ProbeResult {
  /** Epoch ms (sub-ms precision) of the first animation frame in which the target was in the DOM, fresh from Graph. */
  at: number;
  /**
   * The same for the first paint of the target in any form: a SharePoint macro's tab copy
   * (static/shared/sharepoint/tab-copy.ts) of what it last showed, or the fresh view. Equal to `at` when no
   * copy was shown (and for everything but the two SharePoint macros).
   */
  firstAt: number;
  /** Whether that first paint was the tab's copy. */
  fromCopy: boolean;
  /**
   * `rows` | `card` | `items` (the issue panel's shared items; a Microsoft 365 item macro's item) |
   * `none` (a Microsoft 365 item macro with nothing to show) | `placeholder` (the macro is not built yet).
   */
  state: 'rows' | 'card' | 'items' | 'none' | 'placeholder';
}

declare global {
  interface Window {
    __bench?: ProbeResult;
    __benchFirst?: number;
    __benchAlert?: string;
  }
}

/**
 * The probe as a script, with its options bound. Kept as plain JavaScript in a string: Playwright
 * serialises functions with `toString()`, and tsx's transform adds helpers (`__name`) that do not
 * exist in the page.
 */
export function probeScript(opts: ProbeOptions): string {
  return `(${PROBE_SOURCE})(${JSON.stringify(opts)});`;
}

const PROBE_SOURCE = String.raw`function installProbe(opts) {
  const path = location.pathname;
  const kind = path.includes('/__cdn/sp-list/') ? 'list'
    : path.includes('/__cdn/sp-document/') ? 'document'
    : path.startsWith('/__bench/mgt/') ? 'mgt'
    : path.includes('/__cdn/issue-panel/') ? 'panel'
    : path.includes('/__cdn/m365-item/') ? 'item'
    : undefined;
  if (!kind) return;

  const hasText = (el) => !!el && (el.textContent || '').trim() !== '';
  // Fresh: inside the view's root. The tab's copy ([data-tab-copy], beside the root) counts only as a first paint.
  const listRows = (within = document) => {
    for (const tr of within.querySelectorAll('table tbody tr')) {
      if (Array.from(tr.querySelectorAll('td')).some(hasText)) return true;
    }
    for (const row of within.querySelectorAll('[role="row"]')) {
      if (Array.from(row.querySelectorAll('[role="cell"], [role="gridcell"]')).some(hasText)) return true;
    }
    return false;
  };
  const containsAll = (root, texts) => {
    const t = (root && root.textContent) || '';
    return texts.length > 0 && texts.every((x) => t.includes(x));
  };
  const mgtRows = () => {
    const list = document.querySelector('mgt-file-list');
    if (list) return !!list.shadowRoot && Array.from(list.shadowRoot.querySelectorAll('mgt-file')).some((f) => hasText(f.shadowRoot));
    const file = document.querySelector('mgt-file');
    return !!file && containsAll(file.shadowRoot, opts.mgtFileTexts);
  };
  const found = () => {
    const body = document.body;
    if (!body) return undefined;
    const alert = document.querySelector('[role="alert"]');
    if (alert) window.__benchAlert = (alert.textContent || '').trim().slice(0, 200);
    const placeholder = () => (body.textContent || '').includes('Not built yet.') ? 'placeholder' : undefined;
    const root = document.getElementById('root');
    const copy = document.querySelector('[data-tab-copy]:not([hidden])');
    if (kind === 'list') {
      if (copy && window.__benchFirst === undefined && listRows(copy)) window.__benchFirst = performance.timeOrigin + performance.now();
      return root && listRows(root) ? 'rows' : placeholder();
    }
    if (kind === 'document') {
      if (copy && window.__benchFirst === undefined && containsAll(copy, opts.documentCardTexts)) window.__benchFirst = performance.timeOrigin + performance.now();
      return containsAll(root, opts.documentCardTexts) ? 'card' : placeholder();
    }
    // The issue panel: the first shared item with its mail read from Graph (its subject is its name).
    if (kind === 'panel') return Array.from(document.querySelectorAll('article.shared-item')).some((a) => (a.getAttribute('aria-label') || '') !== '' && !/^Shared (mail|conversation)$/.test(a.getAttribute('aria-label') || '')) ? 'items' : undefined;
    // A Microsoft 365 item macro: its item shown with what Graph answered, or its "nothing here" marker.
    // (A calendar, event or chat counts once its view — a chunk loaded after the entry — is on screen too.)
    if (kind === 'item') {
      const article = document.querySelector('section.m365-item[data-state="shown"] article.shared-item');
      if (article) {
        const meta = ((article.querySelector('p.meta') || {}).textContent || '').trim();
        const drawn = /^(Mail|Conversation)\b/.test(meta) || !!article.querySelector('.shared-calendar, .event-card, .chat-thread');
        return drawn ? 'items' : undefined;
      }
      return document.querySelector('[data-state="none"], [data-state="error"]') ? 'none' : undefined;
    }
    return mgtRows() ? 'rows' : undefined;
  };
  const tick = () => {
    const state = found();
    if (state) {
      const at = performance.timeOrigin + performance.now();
      const first = window.__benchFirst;
      window.__bench = { at, firstAt: first === undefined ? at : Math.min(first, at), fromCopy: first !== undefined && first < at, state };
      return;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}`;
