import { badRequest } from './errors';
import type { Route } from './types';

// Graph addresses resources by walking segments, with two twists handled here before matching:
// `host:/server/relative/path:` and `root:/folder/file.docx:` fold a path into one segment, and
// several spellings of "this site's drive" become `/drives/{ref}` with a ref the drive resolver knows.

export const SITE_DRIVE = '@site:';
export const LIST_DRIVE = '@list:';
/** Separates the site ref from the list ref inside a `@list:` drive ref (neither can contain it). */
export const REF_SEP = '\u0000';

const decode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    throw badRequest(`Invalid percent-encoding in segment '${s}'.`);
  }
};

/** Folds `x:` … `y:` runs into one `x:/…/y` segment; a run without a closing colon goes to the end. */
const foldColonPaths = (segs: string[]): string[] => {
  const out: string[] = [];
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i] ?? '';
    if (!(s.length > 1 && s.endsWith(':'))) {
      out.push(s);
      continue;
    }
    const parts: string[] = [];
    let j = i + 1;
    for (; j < segs.length; j++) {
      const t = segs[j] ?? '';
      if (t.endsWith(':') && t.length > 0) {
        parts.push(t.slice(0, -1));
        break;
      }
      parts.push(t);
    }
    out.push(`${s.slice(0, -1)}:/${parts.filter((p) => p !== '').join('/')}`);
    i = j;
  }
  return out;
};

const SEARCH = /^search\((?:q=)?'(.*)'\)$/s;

export const normalizeSegments = (rawPath: string): string[] => {
  const decoded = rawPath.split('/').map(decode);
  let segs = foldColonPaths(decoded).filter((s) => s !== '');
  const rewrite = (): boolean => {
    const [a, b, c, d, e] = segs;
    if (a === 'sites' && b !== undefined && c === 'drive') {
      segs = ['drives', SITE_DRIVE + b, ...segs.slice(3)];
    } else if (a === 'sites' && b !== undefined && c === 'drives' && d !== undefined) {
      segs = ['drives', d, ...segs.slice(4)];
    } else if (a === 'sites' && b !== undefined && c === 'lists' && d !== undefined && e === 'drive') {
      segs = ['drives', LIST_DRIVE + b + REF_SEP + d, ...segs.slice(5)];
    } else if (a === 'drives' && b !== undefined && c !== undefined && (c === 'root' || c.startsWith('root:/'))) {
      segs = ['drives', b, 'items', c, ...segs.slice(3)];
    } else {
      return false;
    }
    return true;
  };
  while (rewrite()) { /* each rewrite makes the path shorter or canonical; loop until none applies */ }
  // `search(q='…')` becomes two segments so a route can capture the query text.
  const last = segs.at(-1);
  const m = last !== undefined ? SEARCH.exec(last) : null;
  if (m) segs = [...segs.slice(0, -1), 'search', (m[1] ?? '').replaceAll("''", "'")];
  return segs;
};

export interface Match {
  route: Route;
  params: Record<string, string>;
}

export type MatchResult = { kind: 'match'; match: Match } | { kind: 'method'; allowed: string[] } | { kind: 'none' };

export const matchRoute = (routes: readonly Route[], method: string, segs: readonly string[]): MatchResult => {
  const allowed: string[] = [];
  for (const route of routes) {
    const pattern = route.path.split('/');
    if (pattern.length !== segs.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < pattern.length && ok; i++) {
      const p = pattern[i] ?? '';
      const s = segs[i] ?? '';
      if (p.startsWith('{') && p.endsWith('}')) params[p.slice(1, -1)] = s;
      else ok = p.toLowerCase() === s.toLowerCase();
    }
    if (!ok) continue;
    if (route.method === method) return { kind: 'match', match: { route, params } };
    allowed.push(route.method);
  }
  return allowed.length > 0 ? { kind: 'method', allowed } : { kind: 'none' };
};
