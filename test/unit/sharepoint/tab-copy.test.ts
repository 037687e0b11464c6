import { describe, expect, it } from 'vitest';
import {
  buildCopy,
  COPY_MAX_PER_ACCOUNT,
  copiesToDrop,
  copyStorageKey,
  copyTree,
  encodeCopy,
  readCopy,
  tokenFingerprint,
  type CopySourceNode,
} from '../../../src/core/sharepoint/tab-copy';

/**
 * The tab copy's rules (src/core/sharepoint/tab-copy.ts): what of a rendered view is kept, that a copy is
 * shown only with the very token that fetched it, that one altered in storage builds nothing but allowed
 * elements and text. Signing out takes the copies with the token: test/unit/ui/graph-session.test.ts.
 */

/** A tiny DOM: enough for copyTree (reading) and buildCopy (writing). */
class El implements CopySourceNode {
  readonly nodeType = 1;
  nodeValue = null;
  childNodes: Array<El | Txt> = [];
  attrs = new Map<string, string>();
  constructor(readonly nodeName: string) {}
  getAttributeNames = () => [...this.attrs.keys()];
  getAttribute = (n: string) => this.attrs.get(n) ?? null;
  setAttribute(n: string, v: string) {
    this.attrs.set(n, v);
  }
  append(...nodes: Array<El | Txt>) {
    this.childNodes.push(...nodes);
  }
}
class Txt implements CopySourceNode {
  readonly nodeType = 3;
  readonly nodeName = '#text';
  childNodes = [];
  constructor(public nodeValue: string) {}
}
const doc = { createElement: (t: string) => new El(t.toUpperCase()), createTextNode: (t: string) => new Txt(t) };
function el(tag: string, attrs: Record<string, string> = {}, ...kids: Array<El | Txt | string>): El {
  const e = new El(tag.toUpperCase());
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...kids.map((k) => (typeof k === 'string' ? new Txt(k) : k)));
  return e;
}
/** The text a built tree shows, and the tags and attributes it has. */
function describeBuilt(e: El | Txt): string {
  if (e instanceof Txt) return e.nodeValue;
  const attrs = [...e.attrs].map(([k, v]) => ` ${k}="${v}"`).join('');
  return `<${e.nodeName.toLowerCase()}${attrs}>${e.childNodes.map(describeBuilt).join('')}</${e.nodeName.toLowerCase()}>`;
}

const TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.alice-token';
const card = () =>
  el('div', {},
    el('section', { 'aria-label': 'SharePoint document', 'data-copyable': '' },
      el('article', { class: 'doc-card', 'aria-label': 'Vendor contract.pdf' },
        el('span', { class: 'file-icon file-icon-pdf', role: 'img', 'aria-label': 'PDF document' }, 'PDF'),
        el('h2', { class: 'doc-name' }, 'Vendor contract.pdf'),
        el('p', { class: 'doc-links' }, el('a', { href: 'https://contoso.sharepoint.com/sites/phoenix/Shared%20Documents/Vendor%20contract.pdf', target: '_blank', rel: 'noopener noreferrer' }, 'Open in SharePoint')),
      ),
      el('div', { class: 'doc-preview-area' },
        el('iframe', { src: 'https://contoso.sharepoint.com/_layouts/15/embed.aspx?UniqueId=x', title: 'Preview' }),
        el('img', { src: 'https://thumbnails.example/x.png', alt: 'Thumbnail' }),
        el('div', { class: 'doc-preview-placeholder', role: 'status' }, 'Loading preview…'),
      ),
    ),
  );

describe('the tab copy of a SharePoint macro', () => {
  it('keeps what the viewer saw — the card, its names and its https link — and no frame, image or request', () => {
    const tree = copyTree(card());
    expect(tree).toBeDefined();
    const raw = encodeCopy({ v: 1, token: tokenFingerprint(TOKEN), at: 1, tree: tree! });
    expect(raw).toContain('Vendor contract.pdf');
    expect(raw).toContain('Loading preview…');
    expect(raw).not.toMatch(/"t":"(iframe|img)"|embed\.aspx|thumbnails|data-copyable|"src"/);
    const box = new El('DIV');
    buildCopy(readCopy(raw, tokenFingerprint(TOKEN))!.tree, doc, box);
    const built = describeBuilt(box);
    expect(built).toContain('<h2 class="doc-name">Vendor contract.pdf</h2>');
    expect(built).toContain('<a href="https://contoso.sharepoint.com/sites/phoenix/Shared%20Documents/Vendor%20contract.pdf" target="_blank" rel="noopener noreferrer">Open in SharePoint</a>');
  });

  it('is shown only with the token that fetched it: a renewed token, another person’s or none reads nothing', () => {
    const raw = encodeCopy({ v: 1, token: tokenFingerprint(TOKEN), at: 1, tree: copyTree(card())! });
    expect(readCopy(raw, tokenFingerprint(TOKEN))?.tree.length).toBe(1);
    expect(readCopy(raw, tokenFingerprint(`${TOKEN}-renewed`))).toBeUndefined();
    expect(readCopy(raw, tokenFingerprint('eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.bob-token'))).toBeUndefined();
    expect(readCopy(null, tokenFingerprint(TOKEN))).toBeUndefined();
    // Tokens that differ only in their middle still differ.
    expect(tokenFingerprint('a'.repeat(300) + 'x' + 'b'.repeat(300))).not.toBe(tokenFingerprint('a'.repeat(300) + 'y' + 'b'.repeat(300)));
  });

  it('refuses a copy altered in storage, whole: scripts, frames, handlers, javascript: links, styles and malformed records', () => {
    const fp = tokenFingerprint(TOKEN);
    const withTree = (tree: unknown) => JSON.stringify({ v: 1, token: fp, at: 1, tree });
    const hostile: unknown[] = [
      [{ t: 'script', c: ['alert(1)'] }],
      [{ t: 'iframe', a: { src: 'https://evil.example/' } }],
      [{ t: 'img', a: { src: 'x', onerror: 'alert(1)' } }],
      [{ t: 'a', a: { href: 'javascript:alert(1)' }, c: ['Open'] }],
      [{ t: 'a', a: { href: 'http://evil.example/' }, c: ['Open'] }],
      [{ t: 'div', a: { onclick: 'alert(1)' } }],
      [{ t: 'div', a: { style: 'background:url(https://evil.example/leak)' } }],
      [{ t: 'div', a: { id: 'root' } }],
      [{ t: 'svg', c: [{ t: 'script' }] }],
      [{ t: 'div', c: [{ t: 'p', c: [{ t: 'object', a: { data: 'x' } }] }] }],
      [{ t: 'div', a: ['class'] }],
      [{ t: 'div', c: 'text' }],
      [42],
      [],
      'not a tree',
    ];
    for (const tree of hostile) expect(readCopy(withTree(tree), fp), JSON.stringify(tree)).toBeUndefined();
    for (const raw of ['', '{', 'null', '[]', JSON.stringify({ v: 2, token: fp, at: 1, tree: ['x'] }), JSON.stringify({ v: 1, token: fp, tree: ['x'] })]) {
      expect(readCopy(raw, fp), raw).toBeUndefined();
    }
    // Text is only ever text: markup in a name is built as a text node, never parsed.
    const box = new El('DIV');
    buildCopy(readCopy(withTree([{ t: 'h2', c: ['<img src=x onerror=alert(1)>'] }]), fp)!.tree, doc, box);
    expect((box.childNodes[0] as El).childNodes[0]).toBeInstanceOf(Txt);
    expect(describeBuilt(box)).toBe('<div><h2><img src=x onerror=alert(1)></h2></div>');
  });

  it('keeps the List table’s column count, and no other inline style', () => {
    const tree = copyTree(el('div', {}, el('table', { style: '--sp-columns: 6;' }), el('div', { style: 'color: red' })));
    expect(tree).toEqual([{ t: 'table', a: { style: '--sp-columns: 6;' } }, { t: 'div' }]);
  });

  it('keeps nothing too large to hold in the tab', () => {
    const rows = Array.from({ length: 5_000 }, (_, i) => el('tr', {}, el('td', {}, `Record ${i}`)));
    expect(copyTree(el('div', {}, el('table', {}, el('tbody', {}, ...rows))))).toBeUndefined();
    let deep = el('span', {}, 'deep');
    for (let i = 0; i < 40; i++) deep = el('div', {}, deep);
    expect(copyTree(el('div', {}, deep))).toBeUndefined();
  });

  it('is kept per Atlassian account, macro kind and stored configuration — the same configuration in any key order', () => {
    const config = { version: 2, siteId: 's', driveId: 'd', itemId: 'i' };
    expect(copyStorageKey('alice', 'sp-document', config)).toBe(copyStorageKey('alice', 'sp-document', { itemId: 'i', driveId: 'd', siteId: 's', version: 2 }));
    expect(copyStorageKey('alice', 'sp-document', config)).not.toBe(copyStorageKey('bob', 'sp-document', config));
    expect(copyStorageKey('alice', 'sp-document', config)).not.toBe(copyStorageKey('alice', 'sp-list', config));
    expect(copyStorageKey('alice', 'sp-document', config)).not.toBe(copyStorageKey('alice', 'sp-document', { ...config, itemId: 'j' }));
  });

  it(`keeps at most ${COPY_MAX_PER_ACCOUNT} copies per account, dropping the oldest and unreadable ones first`, () => {
    const copies = Array.from({ length: COPY_MAX_PER_ACCOUNT + 2 }, (_, i) => ({ key: `k${i}`, at: 100 + i }));
    expect(copiesToDrop(copies)).toEqual(['k0', 'k1']);
    expect(copiesToDrop([...copies.slice(2), { key: 'broken', at: NaN }])).toEqual(['broken']);
    expect(copiesToDrop(copies.slice(0, 3))).toEqual([]);
  });
});
