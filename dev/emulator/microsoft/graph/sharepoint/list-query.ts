import { allows } from '../../data/access';
import type { Principal } from '../../data/directory';
import type { ListItem, SpList } from '../../data/sharepoint';
import { GraphError, invalidRequest } from '../errors';
import { decodeSkipToken, option } from '../odata';
import { compareValues, evaluate, type FieldRef, fieldsOf, fieldValue, indexedEquality, parseFilter, resolveField } from './filter';

export const HONOR_NON_INDEXED = 'HonorNonIndexedQueriesWarningMayFailRandomly';
export const LIST_VIEW_THRESHOLD = 5000;

export interface ItemPage {
  items: ListItem[];
  /** Skip token for the next page, when there is one. */
  next?: string;
}

const prefers = (headers: Headers, token: string): boolean =>
  (headers.get('prefer') ?? '').split(',').some((p) => p.trim().toLowerCase() === token.toLowerCase());

/** First index in `items` (ascending ids) whose id is greater than `id`. */
const after = (items: readonly ListItem[], id: number): number => {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((items[mid]?.id ?? 0) <= id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

/**
 * One page of list items as SharePoint computes it: trimmed to what the user may read, filtered
 * and sorted only on indexed columns unless the client accepts the risk, paged by item id so a
 * first page of a 10,000-item list touches about `top` items.
 */
export const queryItems = (list: SpList, who: Principal, q: URLSearchParams, headers: Headers, top: number): ItemPage => {
  const filterText = option(q, 'filter');
  const filter = filterText !== undefined && filterText.trim() !== '' ? parseFilter(list, filterText) : undefined;
  const order = (option(q, 'orderby') ?? '').split(',').map((s) => s.trim()).filter(Boolean).map((term) => {
    const [path = '', dir = 'asc'] = term.split(/\s+/);
    if (!/^(asc|desc)$/i.test(dir)) throw invalidRequest(`Invalid orderby direction '${dir}'.`);
    return { field: resolveField(list, path), desc: dir.toLowerCase() === 'desc' };
  });

  const used: FieldRef[] = [...(filter ? fieldsOf(filter) : []), ...order.map((o) => o.field)];
  const unindexed = used.find((f) => !f.indexed);
  if (unindexed) {
    if (!prefers(headers, HONOR_NON_INDEXED)) {
      throw invalidRequest(`Field '${unindexed.name}' cannot be referenced in filter or orderby as it is not indexed. Provide the 'Prefer: ${HONOR_NON_INDEXED}' header to allow this, but be warned that such queries may fail on large lists.`);
    }
    if (list.items.length > LIST_VIEW_THRESHOLD) {
      throw new GraphError(500, 'generalException', 'The attempted operation is prohibited because it exceeds the list view threshold.');
    }
  }

  const visible = (it: ListItem): boolean => allows(it.access, who) && (!filter || evaluate(filter, it));
  const token = decodeSkipToken(q);

  if (order.length > 0) {
    const all = list.items.filter(visible).sort((a, b) => {
      for (const o of order) {
        const c = compareValues(fieldValue(a, o.field), fieldValue(b, o.field));
        if (c !== 0) return o.desc ? -c : c;
      }
      return a.id - b.id;
    });
    const m = token === undefined ? ['', '0'] : /^Paged=TRUE&p_Offset=(\d+)$/.exec(token);
    if (!m) throw invalidRequest('Invalid skip token.');
    const offset = Number(m[1]);
    return {
      items: all.slice(offset, offset + top),
      ...(offset + top < all.length ? { next: `Paged=TRUE&p_Offset=${offset + top}` } : {}),
    };
  }

  const eq = filter ? indexedEquality(filter) : undefined;
  const source = eq ? list.index.get(eq.column)?.get(eq.key) ?? [] : list.items;
  let start = 0;
  if (token !== undefined) {
    const m = /^Paged=TRUE&p_ID=(\d+)$/.exec(token);
    if (!m) throw invalidRequest('Invalid skip token.');
    start = after(source, Number(m[1]));
  }
  const items: ListItem[] = [];
  let i = start;
  for (; i < source.length && items.length < top; i++) {
    const it = source[i];
    if (it && visible(it)) items.push(it);
  }
  // Look ahead for one more visible match, so the last page carries no nextLink.
  let more = false;
  for (; i < source.length && !more; i++) {
    const it = source[i];
    if (it && visible(it)) more = true;
  }
  const last = items.at(-1);
  return { items, ...(more && last ? { next: `Paged=TRUE&p_ID=${last.id}` } : {}) };
};
