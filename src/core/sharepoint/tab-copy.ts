/**
 * The tab's copy of a SharePoint macro: what the macro last showed this viewer in this tab, shown again at
 * once on a reload while the fresh answer is on its way, then replaced by it (issue 8, "Speed"; README,
 * "SharePoint macros", "A reload shows the last view first").
 *
 * Where it lives and why that is safe: in the tab's sessionStorage, beside the viewer's Graph token
 * (static/shared/session.ts), under the same Atlassian account, and tied to that very token by a
 * fingerprint: a copy is shown only while the token that fetched it is still in the tab. Whatever can read
 * the copy can read the token beside it, and with it ask Graph for the same thing; so the copy gives nobody
 * anything the tab did not already hold. Signing out (anywhere on the page) removes the token and every copy
 * with it; a new token (hourly) makes the old copies unreadable until the next fresh view saves a new one.
 * Nothing of it reaches the app's storage, the page or the server: the page still stores ids only.
 *
 * What it holds: the rendered view as a tree of allowed elements and attributes — never a script, frame,
 * image, event handler or `style` beyond the table's column count — checked again when read, so a copy
 * altered in storage builds nothing but text and those elements. It is built with `createElement` and text
 * nodes, never parsed as HTML.
 *
 * Pure: the DOM is reached through the small structural types below (static/shared/sharepoint/tab-copy.ts
 * passes the real one).
 */

/** The prefix of every copy in the tab's storage; distinct from the session token's (`m365.session.`). */
export const COPY_PREFIX = 'm365.copy.';
/** A copy larger than this is not kept (a 25-row page of six columns is ~15,000). */
export const COPY_MAX_CHARS = 120_000;
/** Elements in one copy, and how deep they nest. */
export const COPY_MAX_NODES = 4_000;
export const COPY_MAX_DEPTH = 32;
/** Copies kept per Atlassian account in one tab; the oldest goes first. */
export const COPY_MAX_PER_ACCOUNT = 12;

export type CopyNode = string | CopyElement;
export interface CopyElement {
  t: string;
  a?: Record<string, string>;
  c?: CopyNode[];
}

export interface CopyRecord {
  v: 1;
  /** {@link tokenFingerprint} of the token the copied view was fetched with. */
  token: string;
  /** Epoch ms the copy was made (the oldest is dropped first). */
  at: number;
  /** The colour mode the copy was made in (`data-color-mode`), so a dark copy waits for the dark tokens. */
  mode?: 'light' | 'dark';
  tree: CopyNode[];
}

/** What the macros render in their shown states; anything else (iframe, img, svg, script, …) is left out. */
const TAGS = new Set([
  'section', 'header', 'div', 'span', 'p', 'h2', 'h3', 'article', 'a', 'strong', 'em', 'small', 'table', 'colgroup', 'col', 'thead',
  'tbody', 'tr', 'th', 'td', 'nav', 'ol', 'ul', 'li', 'form', 'input', 'button', 'label',
]);
const PLAIN_ATTRS = new Set(['class', 'role', 'title', 'scope', 'colspan', 'rowspan', 'placeholder', 'disabled', 'rel', 'target']);
const TYPES = new Set(['button', 'submit', 'search']);
/** The List table's one inline style: its column count, read by list.css. */
const STYLE = /^--sp-columns: ?\d{1,3};?$/;

/** Whether an attribute is kept on a copied element, and its value as kept (undefined: dropped). */
export function allowedAttribute(tag: string, name: string, value: string): string | undefined {
  const n = name.toLowerCase();
  if (value.length > 2_000) return undefined;
  if (PLAIN_ATTRS.has(n) || /^aria-[a-z]+$/.test(n)) return value;
  if (n === 'type') return (tag === 'input' || tag === 'button') && TYPES.has(value) ? value : undefined;
  if (n === 'style') return STYLE.test(value.trim()) ? value.trim() : undefined;
  if (n === 'href') return tag === 'a' && /^https:\/\/[^\s]+$/i.test(value) ? value : undefined;
  return undefined;
}

/** 32-bit FNV-1a, as hex. Not a secret-keeping hash: it only tells one token (or configuration) from another. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * Ties a copy to the token it was fetched with. The token itself sits beside the copy in the same storage,
 * so the fingerprint needs to hide nothing; it only has to change when the token does.
 */
export function tokenFingerprint(accessToken: string): string {
  return `${fnv1a(accessToken)}${fnv1a(`${accessToken.length}:${accessToken.slice(-64)}`)}`;
}

/** A JSON text with object keys sorted, so the same stored configuration always gives the same key. */
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(',')}}`;
  }
  // What JSON has no text for (undefined, functions, symbols) counts as null, as inside an array.
  return v === undefined || typeof v === 'function' || typeof v === 'symbol' ? 'null' : JSON.stringify(v);
}

/** Where one macro's copy is kept: per Atlassian account, macro kind and stored configuration (ids only). */
export function copyStorageKey(accountId: string, resource: string, config: unknown): string {
  return `${COPY_PREFIX}${accountId}.${resource}.${fnv1a(stableJson(config))}`;
}

/** The prefix of one account's copies (signing out removes them all). */
export function accountCopyPrefix(accountId: string): string {
  return `${COPY_PREFIX}${accountId}.`;
}

/** The slice of a DOM node the copy reads. */
export interface CopySourceNode {
  nodeType: number;
  nodeName: string;
  nodeValue: string | null;
  childNodes: ArrayLike<CopySourceNode>;
  getAttributeNames?: () => string[];
  getAttribute?: (name: string) => string | null;
}

const ELEMENT = 1;
const TEXT = 3;

/**
 * The copy of a rendered view: its element children, allowed elements and attributes only. Undefined when
 * it is too large to keep.
 */
export function copyTree(root: CopySourceNode): CopyNode[] | undefined {
  let count = 0;
  const walk = (node: CopySourceNode, depth: number): CopyNode | undefined => {
    if (++count > COPY_MAX_NODES || depth > COPY_MAX_DEPTH) throw new RangeError('too large');
    if (node.nodeType === TEXT) return node.nodeValue ?? '';
    if (node.nodeType !== ELEMENT) return undefined;
    const t = node.nodeName.toLowerCase();
    if (!TAGS.has(t)) return undefined;
    const a: Record<string, string> = {};
    for (const name of node.getAttributeNames?.() ?? []) {
      const kept = allowedAttribute(t, name, node.getAttribute?.(name) ?? '');
      if (kept !== undefined) a[name.toLowerCase()] = kept;
    }
    const c = children(node, depth);
    return { t, ...(Object.keys(a).length ? { a } : {}), ...(c.length ? { c } : {}) };
  };
  const children = (node: CopySourceNode, depth: number): CopyNode[] => {
    const out: CopyNode[] = [];
    for (const child of Array.from(node.childNodes)) {
      const n = walk(child, depth + 1);
      if (n !== undefined && n !== '') out.push(n);
    }
    return out;
  };
  try {
    const tree = children(root, 0);
    return JSON.stringify(tree).length <= COPY_MAX_CHARS ? tree : undefined;
  } catch {
    return undefined;
  }
}

/** Re-checks a tree read from storage: the same rules as {@link copyTree}, or nothing. */
function checkTree(nodes: unknown, depth: number, budget: { left: number }): CopyNode[] | undefined {
  if (!Array.isArray(nodes) || depth > COPY_MAX_DEPTH) return undefined;
  const out: CopyNode[] = [];
  for (const n of nodes) {
    if (--budget.left < 0) return undefined;
    if (typeof n === 'string') {
      out.push(n);
      continue;
    }
    if (n === null || typeof n !== 'object') return undefined;
    const { t, a, c } = n as { t?: unknown; a?: unknown; c?: unknown };
    if (typeof t !== 'string' || !TAGS.has(t)) return undefined;
    const attrs: Record<string, string> = {};
    if (a !== undefined) {
      if (a === null || typeof a !== 'object' || Array.isArray(a)) return undefined;
      for (const [k, v] of Object.entries(a as Record<string, unknown>)) {
        if (typeof v !== 'string' || allowedAttribute(t, k, v) !== v) return undefined;
        attrs[k] = v;
      }
    }
    const kids = c === undefined ? [] : checkTree(c, depth + 1, budget);
    if (kids === undefined) return undefined;
    out.push({ t, ...(a !== undefined ? { a: attrs } : {}), ...(kids.length ? { c: kids } : {}) });
  }
  return out;
}

export function encodeCopy(record: CopyRecord): string {
  return JSON.stringify(record);
}

/**
 * The copy's tree, if `raw` is a well-formed copy made with the token whose fingerprint is `fingerprint`;
 * undefined for anything else (another token, a malformed or altered copy).
 */
export function readCopy(raw: string | null, fingerprint: string): { tree: CopyNode[]; mode?: 'light' | 'dark' } | undefined {
  if (raw === null || raw.length > COPY_MAX_CHARS + 1_000) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const r = parsed as Partial<CopyRecord>;
  if (r.v !== 1 || r.token !== fingerprint || typeof r.at !== 'number') return undefined;
  const tree = checkTree(r.tree, 0, { left: COPY_MAX_NODES });
  if (tree === undefined || tree.length === 0) return undefined;
  return { tree, ...(r.mode === 'dark' || r.mode === 'light' ? { mode: r.mode } : {}) };
}

/** When a copy was made, for dropping the oldest (NaN when unreadable). */
export function copyMadeAt(raw: string | null): number {
  try {
    const at = raw === null ? NaN : (JSON.parse(raw) as Partial<CopyRecord>).at;
    return typeof at === 'number' ? at : NaN;
  } catch {
    return NaN;
  }
}

/** The slice of `document` that builds a copy. */
export interface CopyTargetDocument<E> {
  createElement(tag: string): E;
  createTextNode(text: string): unknown;
}
export interface CopyTargetElement {
  setAttribute(name: string, value: string): void;
  append(...nodes: never[]): void;
}

/** Builds a checked tree into `parent`: elements and text nodes, never HTML parsing. */
export function buildCopy<E extends CopyTargetElement>(tree: readonly CopyNode[], doc: CopyTargetDocument<E>, parent: E): void {
  for (const n of tree) {
    if (typeof n === 'string') {
      (parent.append as (...nodes: unknown[]) => void)(doc.createTextNode(n));
      continue;
    }
    if (!TAGS.has(n.t)) continue;
    const el = doc.createElement(n.t);
    for (const [k, v] of Object.entries(n.a ?? {})) {
      if (allowedAttribute(n.t, k, v) === v) el.setAttribute(k, v);
    }
    buildCopy(n.c ?? [], doc, el);
    (parent.append as (...nodes: unknown[]) => void)(el);
  }
}

/** Which stored copies to drop so that at most {@link COPY_MAX_PER_ACCOUNT} remain, oldest first. */
export function copiesToDrop(copies: ReadonlyArray<{ key: string; at: number }>): string[] {
  const sorted = [...copies].sort((x, y) => (Number.isNaN(x.at) ? -Infinity : x.at) - (Number.isNaN(y.at) ? -Infinity : y.at));
  return sorted.slice(0, Math.max(0, sorted.length - COPY_MAX_PER_ACCOUNT)).map((c) => c.key);
}
