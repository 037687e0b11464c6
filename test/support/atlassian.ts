import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { accountStates } from '../../dev/host/products/accounts';
import { entityPropertyIndex, type IndexedValue } from '../../dev/host/products/jira/entity-properties';
import { productRest, type Principal } from '../../dev/host/products/rest';
import { siteDirectory } from '../../dev/host/products/site';
import type { AtlassianFixture } from '../../dev/host/products/tenant';
import { ROOT } from './host';

const fixture = () => (JSON.parse(readFileSync(join(ROOT, 'dev/fixtures/demo-tenant.json'), 'utf8')) as { atlassian: AtlassianFixture }).atlassian;

export const USERS = {
  alice: '557058:a11ce000-0000-4000-8000-000000000001',
  bob: '557058:b0b00000-0000-4000-8000-000000000002',
  carol: '557058:ca401000-0000-4000-8000-000000000003',
  gina: '557058:91a00000-0000-4000-8000-000000000004',
} as const;

export type Caller = keyof typeof USERS | 'app' | 'anonymous';

export interface Answer {
  status: number;
  headers: Headers;
   
  body: any;
}

/**
 * The demo site's Jira and Confluence REST in this process, without a host: the same handlers
 * the app reaches through `__forge_fetch__`, on a clock the test moves.
 */
export function demoSite(opts: { indexed?: IndexedValue[] } = {}) {
  let now = Date.UTC(2026, 5, 15, 10, 30);
  const clock = () => now;
  const site = siteDirectory(fixture(), { now: clock, entityProperties: entityPropertyIndex(opts.indexed ?? []) });
  const accounts = accountStates(site, clock);
  const rest = productRest(site, accounts);
  const principal = (c: Caller): Principal => (c === 'app' ? { kind: 'app' } : c === 'anonymous' ? { kind: 'anonymous' } : { kind: 'user', accountId: USERS[c] });
  const read = async (res: Response): Promise<Answer> => {
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  };
  return {
    site,
    accounts,
    advance(ms: number) {
      now += ms;
    },
    now: clock,
    jira: (who: Caller, method: string, path: string, body?: unknown) => read(rest.jira(principal(who), method, new URL(path, 'http://product.invalid'), body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body))),
    confluence: (who: Caller, path: string) => read(rest.confluence(principal(who), 'GET', new URL(path, 'http://product.invalid'))),
    search: (who: Caller, jql: string, extra: Record<string, unknown> = {}) => read(rest.jira(principal(who), 'POST', new URL('/rest/api/3/search/jql', 'http://product.invalid'), JSON.stringify({ jql, ...extra }))),
  };
}

export type DemoSite = ReturnType<typeof demoSite>;

/** Keys of every issue a search returns, following nextPageToken to the end. */
export async function searchKeys(s: DemoSite, who: Caller, jql: string, extra: Record<string, unknown> = {}): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  for (let n = 0; n < 10_000; n++) {
    const r = await s.search(who, jql, { fields: ['key'], ...extra, ...(token ? { nextPageToken: token } : {}) });
    if (r.status !== 200) throw new Error(`search ${jql}: ${r.status} ${JSON.stringify(r.body)}`);
    keys.push(...r.body.issues.map((i: { key: string }) => i.key));
    if (r.body.isLast) return keys;
    token = r.body.nextPageToken;
  }
  throw new Error('search never ended');
}
