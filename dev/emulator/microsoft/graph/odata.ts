import { badRequest } from './errors';
import type { GraphEnv, GraphRequest } from './types';

type Json = Record<string, unknown>;

/** Graph v1.0 accepts query options with or without the `$`. */
export const option = (q: URLSearchParams, name: string): string | undefined =>
  q.get(`$${name}`) ?? q.get(name) ?? undefined;

export const parseList = (s: string | undefined): string[] | undefined =>
  s === undefined ? undefined : s.split(',').map((x) => x.trim()).filter(Boolean);

export const parseTop = (q: URLSearchParams, max: number, fallback: number): number => {
  const raw = option(q, 'top');
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw badRequest(`Invalid value '${raw}' for $top query option found.`);
  return Math.min(n, max);
};

export interface Expansion {
  name: string;
  select?: string[];
}

/** `$expand=fields($select=A,B),thumbnails` → [{name:'fields', select:['A','B']}, {name:'thumbnails'}]. */
export const parseExpand = (q: URLSearchParams): Expansion[] => {
  const raw = option(q, 'expand');
  if (raw === undefined) return [];
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(raw.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(raw.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean).map((p): Expansion => {
    const m = /^([\w.]+)\s*(?:\((.*)\))?$/.exec(p);
    if (!m?.[1]) throw badRequest(`Parsing OData Select and Expand failed: could not parse '${p}'.`);
    const inner = m[2];
    if (inner === undefined || inner.trim() === '') return { name: m[1] };
    const sel = /^\$?select=(.*)$/i.exec(inner.trim());
    if (!sel) throw badRequest(`Parsing OData Select and Expand failed: only $select is supported inside $expand ('${p}').`);
    return { name: m[1], select: parseList(sel[1]) ?? [] };
  });
};

export const expansion = (q: URLSearchParams, name: string): Expansion | undefined =>
  parseExpand(q).find((e) => e.name.toLowerCase() === name.toLowerCase());

/** `$select`: keep the named properties (and OData annotations), in the resource's own order. */
export const applySelect = (obj: Json, select: readonly string[] | undefined, keep: readonly string[] = []): Json => {
  if (!select || select.length === 0) return obj;
  const wanted = new Set([...select, ...keep].map((s) => s.toLowerCase()));
  return Object.fromEntries(Object.entries(obj).filter(([k]) => k.startsWith('@') || wanted.has(k.toLowerCase())));
};

export const selectOf = (q: URLSearchParams): string[] | undefined => parseList(option(q, 'select'));

/** Skip tokens are opaque to clients; the emulator keeps offsets or SharePoint's `p_ID` in them. */
export const encodeSkipToken = (s: string): string => Buffer.from(s).toString('base64url');

export const decodeSkipToken = (q: URLSearchParams): string | undefined => {
  const raw = q.get('$skiptoken') ?? q.get('$skipToken') ?? q.get('skiptoken') ?? undefined;
  if (raw === undefined) return undefined;
  const s = Buffer.from(raw, 'base64url').toString('utf8');
  if (!/^[\w=&.-]+$/.test(s)) throw badRequest(`Invalid skip token '${raw}'.`);
  return s;
};

export const offsetFromToken = (q: URLSearchParams): number => {
  const t = decodeSkipToken(q);
  if (t === undefined) return 0;
  const m = /^Paged=TRUE&p_Offset=(\d+)$/.exec(t);
  if (!m) throw badRequest('Invalid skip token.');
  return Number(m[1]);
};

/** An absolute nextLink on the emulator's origin with every option of the request kept. */
export const nextLink = (env: GraphEnv, req: GraphRequest, token: string): string => {
  const [path] = req.path.split('?');
  const q = new URLSearchParams(req.query);
  for (const k of ['$skiptoken', '$skipToken', 'skiptoken']) q.delete(k);
  q.set('$skiptoken', encodeSkipToken(token));
  return `${env.origin}/graph/v1.0${path ?? ''}?${q.toString().replace(/%24/g, '$').replace(/%2C/g, ',')}`;
};

export interface Collection {
  value: unknown[];
  '@odata.nextLink'?: string;
}

/** Offset paging for collections that are small enough to hold in memory. */
export const pageByOffset = <T>(
  env: GraphEnv, req: GraphRequest, all: readonly T[], top: number, render: (x: T) => unknown,
): Collection => {
  const offset = offsetFromToken(req.query);
  const slice = all.slice(offset, offset + top);
  const out: Collection = { value: slice.map(render) };
  if (offset + top < all.length) out['@odata.nextLink'] = nextLink(env, req, `Paged=TRUE&p_Offset=${offset + top}`);
  return out;
};
