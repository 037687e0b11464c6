import { allows } from '../../data/access';
import type { ListItem, SpList } from '../../data/sharepoint';
import { badRequest } from '../errors';
import type { Route, RouteContext } from '../types';
import { canSeeList } from './resolve';
import { SITES_SCOPES } from './site-routes';

// Microsoft Search (`POST /search/query`) for SharePoint list items, as Graph answers it:
// https://learn.microsoft.com/graph/api/search-query, https://learn.microsoft.com/graph/search-concept-files
// (request: `requests[{ entityTypes, query.queryString, from, size, fields }]`; answer:
// `value[{ searchTerms, hitsContainers[{ hits[{ hitId, rank, summary, resource }], total, moreResultsAvailable }] }]`;
// a listItem hit's resource carries `parentReference.siteId` and the requested managed properties in `fields`).
// Results are trimmed to what the caller may read ("Users cannot access more items in a search than they can
// otherwise obtain from a corresponding GET", search-api-overview). Stricter than Microsoft Search here:
// only the `listItem` entity type, one request per call, KQL limited to free-text words and quoted phrases
// (`*` for a prefix, implicit AND) and the ListId / SiteId / path restrictions; OR, NOT and parentheses are
// refused with 400 rather than guessed. Unlike the real index, changes are searchable at once.

const MAX_SIZE = 500;
const CONTENT_CLASS: Record<SpList['template'], string> = { genericList: 'STS_ListItem_GenericList', documentLibrary: 'STS_ListItem_DocumentLibrary' };

type Term = { kind: 'words'; words: string[]; prefix: boolean } | { kind: 'property'; name: string; value: string };

const wordsOf = (text: string): string[] => text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);

/** The KQL subset: `word`, `word*`, `"a phrase"`, `"prefix*"`, `Property:value`, `Property:"value"`, `AND`. */
export const parseKql = (q: string): Term[] => {
  const terms: Term[] = [];
  const re = /\s*(?:(\w+):(?:"([^"]*)"|(\S+))|"([^"]*)"|(\S+))/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  while (at < q.length && (m = re.exec(q)) !== null) {
    at = re.lastIndex;
    const [, prop, propQuoted, propBare, phrase, bare] = m;
    if (prop !== undefined) {
      terms.push({ kind: 'property', name: prop.toLowerCase(), value: (propQuoted ?? propBare ?? '').trim() });
      continue;
    }
    const text = phrase ?? bare ?? '';
    if (bare !== undefined && /^(OR|NOT)$/.test(bare)) throw badRequest(`The emulator does not model the KQL operator ${bare}.`);
    if (bare !== undefined && /[()]/.test(bare)) throw badRequest('The emulator does not model KQL groups (parentheses).');
    if (bare === 'AND') continue;
    const words = wordsOf(text);
    if (words.length > 0) terms.push({ kind: 'words', words, prefix: text.trimEnd().endsWith('*') });
  }
  if (q.slice(at).trim() !== '') throw badRequest('The query string could not be read.');
  return terms;
};

const itemUrl = (it: ListItem): string => `${it.list.webUrl}/DispForm.aspx?ID=${it.id}`;
const bareGuid = (v: string): string => v.replace(/^\{|\}$/g, '').toLowerCase();

const INDEX = new WeakMap<ListItem, string[]>();

/** Every word of the item's text values, in order (what the index holds for it; built once per item). */
const indexedWords = (it: ListItem): string[] => {
  let words = INDEX.get(it);
  if (words === undefined) {
    words = it.list.columns.flatMap((c) => {
      const v = it.fields[c.name];
      return typeof v === 'string' || typeof v === 'number' ? wordsOf(String(v)) : [];
    });
    INDEX.set(it, words);
  }
  return words;
};

const matches = (it: ListItem, terms: readonly Term[]): boolean => {
  let words: string[] | undefined;
  // Property restrictions first: they rule out whole lists without reading an item's words.
  const ordered = [...terms].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'property' ? -1 : 1));
  return ordered.every((t) => {
    if (t.kind === 'property') {
      switch (t.name) {
        case 'listid': return bareGuid(t.value) === it.list.id.toLowerCase();
        case 'siteid': return bareGuid(t.value) === it.list.site.collectionId.toLowerCase() || t.value.toLowerCase() === it.list.site.id.toLowerCase();
        case 'path': return itemUrl(it).toLowerCase().startsWith(t.value.toLowerCase().replace(/\/+$/, '') + '/');
        default: return false;
      }
    }
    words ??= indexedWords(it);
    const w = words;
    const n = t.words.length;
    for (let i = 0; i + n <= w.length; i++) {
      let ok = true;
      for (let j = 0; j < n && ok; j++) {
        const want = t.words[j] ?? '';
        const have = w[i + j] ?? '';
        ok = t.prefix && j === n - 1 ? have.startsWith(want) : have === want;
      }
      if (ok) return true;
    }
    return false;
  });
};

const managedProperty = (it: ListItem, name: string): unknown => {
  switch (name.toLowerCase()) {
    case 'listitemid': return String(it.id);
    case 'listid': return it.list.id;
    case 'siteid': return it.list.site.collectionId;
    case 'webid': return it.list.site.webId;
    case 'title': return it.fields['Title'];
    case 'path': return itemUrl(it);
    case 'contentclass': return CONTENT_CLASS[it.list.template];
    default: return undefined;
  }
};

interface SearchRequestBody { entityTypes: string[]; queryString: string; from: number; size: number; fields: string[] | undefined }

const readBody = (body: unknown): SearchRequestBody => {
  const requests = typeof body === 'object' && body !== null ? (body as { requests?: unknown }).requests : undefined;
  if (!Array.isArray(requests) || requests.length === 0) throw badRequest("The request body must have a non-empty 'requests' array.");
  if (requests.length > 1) throw badRequest('The emulator answers one search request per call.');
  const r: unknown = requests[0];
  if (typeof r !== 'object' || r === null) throw badRequest('A search request must be an object.');
  const { entityTypes, query, from = 0, size = 25, fields } = r as Record<string, unknown>;
  if (!Array.isArray(entityTypes) || entityTypes.length === 0 || !entityTypes.every((e) => typeof e === 'string')) throw badRequest("'entityTypes' must list entity types.");
  const queryString = typeof query === 'object' && query !== null ? (query as { queryString?: unknown }).queryString : undefined;
  if (typeof queryString !== 'string' || queryString.trim() === '') throw badRequest("'query.queryString' is required.");
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 0) throw badRequest("'from' must be a whole number, 0 or more.");
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > MAX_SIZE) throw badRequest(`'size' must be a whole number from 1 to ${MAX_SIZE}.`);
  if (fields !== undefined && (!Array.isArray(fields) || !fields.every((f) => typeof f === 'string'))) throw badRequest("'fields' must list property names.");
  return { entityTypes, queryString, from, size, fields };
};

const search = (ctx: RouteContext) => {
  const q = readBody(ctx.req.body);
  const unsupported = q.entityTypes.find((e) => e !== 'listItem');
  if (unsupported !== undefined) throw badRequest(`The emulator searches the entity type listItem only, not '${unsupported}'.`);
  const terms = parseKql(q.queryString);
  const { caller, env } = ctx;
  const hits: ListItem[] = [];
  for (const site of env.model.sharePoint.sites) {
    if (site.tenant.id !== caller.tenant.id || !allows(site.reach, caller.principal)) continue;
    for (const list of site.lists) {
      if (list.system || list.hidden || !canSeeList(caller, list)) continue;
      for (const it of list.items) if (allows(it.access, caller.principal) && matches(it, terms)) hits.push(it);
    }
  }
  const page = hits.slice(q.from, q.from + q.size);
  const searchTerms = terms.flatMap((t) => (t.kind === 'words' ? t.words : []));
  return {
    status: 200,
    body: {
      '@odata.context': `${env.origin}/graph/v1.0/$metadata#Collection(microsoft.graph.searchResponse)`,
      value: [
        {
          searchTerms,
          hitsContainers: [
            {
              hits: page.map((it, i) => ({
                hitId: it.uniqueId,
                rank: q.from + i + 1,
                summary: '',
                resource: {
                  '@odata.type': '#microsoft.graph.listItem',
                  createdDateTime: it.created,
                  lastModifiedDateTime: it.modified,
                  webUrl: itemUrl(it),
                  parentReference: { siteId: it.list.site.id },
                  ...(q.fields !== undefined ? { fields: Object.fromEntries(q.fields.flatMap((f) => { const v = managedProperty(it, f); return v === undefined ? [] : [[f, v]]; })) } : {}),
                },
              })),
              total: hits.length,
              moreResultsAvailable: q.from + q.size < hits.length,
            },
          ],
        },
      ],
    },
  };
};

export const searchRoutes: Route[] = [{ method: 'POST', path: 'search/query', scopes: SITES_SCOPES, handle: search }];
