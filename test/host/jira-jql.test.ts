import { beforeEach, describe, expect, it } from 'vitest';
import { LIMITS, parseJql } from '../../dev/host/products/jira/jql/parser';
import { demoSite, searchKeys, USERS, type DemoSite } from '../support/atlassian';

const DAY = 86_400_000;

/** JQL as an app meets it through /rest/api/3/search/jql and /rest/api/3/jql/parse: Jira's answers and Jira's words. */
describe('Jira emulation: JQL', () => {
  let s: DemoSite;
  beforeEach(() => {
    s = demoSite({ indexed: [{ propertyKey: 'probe-links', path: 'conversationIds', type: 'string', searchAlias: 'probeConversationId' }, { propertyKey: 'probe-links', path: 'count', type: 'number' }] });
  });
  const keys = (who: Parameters<DemoSite['search']>[0], jql: string) => searchKeys(s, who, jql).then((k) => k.sort());
  const error = async (jql: string, who: Parameters<DemoSite['search']>[0] = 'alice') => {
    const r = await s.search(who, jql);
    expect(r.status).toBe(400);
    return r.body.errorMessages as string[];
  };

  it("answers mistakes with Jira's words", async () => {
    expect(await error('foo = bar')).toEqual(["Field 'foo' does not exist or you do not have permission to view it."]);
    expect(await error('foo = bar', 'anonymous')).toEqual(["Field 'foo' does not exist or this field cannot be viewed by anonymous users."]);
    expect(await error('assignee = nextTuesday()')).toEqual(["Unable to find JQL function 'nextTuesday()'."]);
    expect(await error('project = NOPE')).toEqual(["The value 'NOPE' does not exist for the field 'project'."]);
    expect(await error('status = Blocked')).toEqual(["The value 'Blocked' does not exist for the field 'status'."]);
    expect(await error('project = "DEMO')).toEqual(["Error in JQL Query: The quoted string 'DEMO' has not been completed. (line 1, character 11)"]);
    expect(await error('project DEMO')).toEqual(["Error in JQL Query: Expecting operator but got 'DEMO'. The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'. (line 1, character 9)"]);
    expect(await error('project = DEMO status = Done')).toEqual(["Error in JQL Query: Expecting either 'OR' or 'AND' but got 'status'. (line 1, character 16)"]);
    expect(await error('project = ')).toEqual(['Error in JQL Query: Expecting either a value, list or function before the end of the query.']);
    expect(await error('project = DEMO AND\n summary ~ foo@bar')).toEqual(["Error in JQL Query: The character '@' is a reserved JQL character. You must enclose it in a string or use the escape '\\u0040' instead. (line 2, character 15)"]);
    expect(await error('ORDER BY key')).toEqual(['Unbounded JQL queries are not allowed here. Please add a search restriction to your query.']);
    expect(await error('')).toEqual(['Unbounded JQL queries are not allowed here. Please add a search restriction to your query.']);
    expect((await error('updated > yesterday'))[0]).toMatch(/^Date value 'yesterday' for field 'updated' is invalid\. Valid formats include: 'yyyy\/MM\/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy\/MM\/dd', 'yyyy-MM-dd', or a period format e\.g\. '-5d', '4w 2d'\.$/);
    expect(await error('project = DEMO ORDER BY rank')).toEqual(["Not able to sort using field 'rank'."]);
    expect(await error('updated > now(1)')).toEqual(["Function 'now' expected '0' arguments but received '1'."]);
    expect(await error('project ~ DEMO')).toEqual(["The operator '~' is not supported by the 'project' field."]);
    expect(await error('key = 12.5')).toEqual(["The issue key '12.5' for field 'key' is invalid."]);
    // Several mistakes: all of them, as Jira lists them.
    expect(await error('foo = 1 AND project = NOPE')).toEqual(["Field 'foo' does not exist or you do not have permission to view it.", "The value 'NOPE' does not exist for the field 'project'."]);
  });

  it('finds issues by project, key, status, people, priority, labels and text', async () => {
    expect(await keys('bob', 'project = DEMO')).toEqual(['DEMO-1', 'DEMO-2', 'DEMO-4', 'DEMO-5']);
    expect(await keys('alice', 'project in (DEMO, PUB) AND status = "In Progress"')).toEqual(['DEMO-2', 'PUB-1']);
    expect(await keys('alice', 'issueKey in (DEMO-1, PUB-2)')).toEqual(['DEMO-1', 'PUB-2']);
    expect(await keys('bob', 'assignee = currentUser()')).toEqual(['DEMO-1', 'DEMO-4']);
    expect(await keys('alice', `assignee = "${USERS.carol}"`)).toEqual(['DEMO-2', 'DEMO-3', 'PUB-1']);
    expect(await keys('alice', 'project = DEMO AND assignee is EMPTY')).toEqual(['DEMO-5']);
    // != leaves out issues with no assignee, as in Jira.
    expect(await keys('alice', `project = DEMO AND assignee != "${USERS.bob}"`)).toEqual(['DEMO-2', 'DEMO-3']);
    expect(await keys('alice', 'priority > Medium')).toEqual(['DEMO-1', 'DEMO-3']);
    expect(await keys('alice', 'labels in (invoicing) AND statusCategory != Done')).toEqual(['DEMO-1']);
    expect(await keys('alice', 'summary ~ "invoice*" OR text ~ "roadmap"')).toEqual(['DEMO-1', 'DEMO-4', 'PUB-1']);
    expect(await keys('alice', 'project = DEMO AND NOT (status = "To Do" OR resolution = Done)')).toEqual(['DEMO-2']);
    expect(await keys('alice', 'project = DEMO AND resolution = Unresolved AND level is EMPTY')).toEqual(['DEMO-1', 'DEMO-2', 'DEMO-5']);
    expect(await keys('alice', 'level = Management')).toEqual(['DEMO-3']);
  });

  it('compares dates absolute and relative, for date-time, date and custom fields', async () => {
    const day = (offset: number) => new Date(s.now() + offset * DAY).toISOString().slice(0, 10);
    expect(await keys('alice', 'project = DEMO AND updated >= -2d')).toEqual(['DEMO-1', 'DEMO-2', 'DEMO-5']);
    expect(await keys('alice', 'project = DEMO AND created > "-6h"')).toEqual(['DEMO-5']);
    expect(await keys('alice', `duedate >= "${day(0)}" AND duedate <= "${day(10)}"`)).toEqual(['DEMO-1', 'PUB-1']);
    expect(await keys('alice', 'due < now() AND project in (DEMO, PUB)')).toEqual(['DEMO-4', 'PUB-2']);
    expect(await keys('alice', 'resolved >= startOfDay(-7)')).toEqual(['PUB-2']);
    expect(await keys('alice', '"Start date" <= -3d')).toEqual(['DEMO-2', 'PUB-1']);
    expect(await keys('alice', 'cf[10015] <= -3d')).toEqual(['DEMO-2', 'PUB-1']);
    expect(await keys('alice', 'cf[10016] >= "2026/06/20 00:00"')).toEqual(['DEMO-2']);
    // A period may combine units: "-1w 2d" is nine days ago.
    expect(await keys('alice', 'created < "-1w 2d" AND project = PUB')).toEqual(['PUB-1']);
  });

  it('orders results and pages through all of them exactly once', async () => {
    expect(await searchKeys(s, 'alice', 'project = DEMO ORDER BY duedate ASC, key DESC')).toEqual(['DEMO-4', 'DEMO-1', 'DEMO-2', 'DEMO-3', 'DEMO-5']);
    expect(await searchKeys(s, 'alice', 'project = DEMO ORDER BY priority, key')).toEqual(['DEMO-1', 'DEMO-3', 'DEMO-2', 'DEMO-5', 'DEMO-4']);
    s.site.jira.bulk('LOAD', 1234, 3);
    const all = await searchKeys(s, 'bob', 'project = LOAD ORDER BY duedate DESC', { maxResults: 100 });
    expect(all).toHaveLength(1234);
    expect(new Set(all).size).toBe(1234);
    // The page size is the smaller of maxResults and the cap for the fields asked for.
    expect((await s.search('bob', 'project = LOAD', { fields: ['summary'], maxResults: 500 })).body.issues).toHaveLength(100);
    expect((await s.search('bob', 'project = LOAD', { fields: ['id'], maxResults: 500 })).body.issues).toHaveLength(500);
    const first = await s.search('bob', 'project = LOAD ORDER BY key', { maxResults: 2 });
    expect(first.body).toMatchObject({ issues: [{ id: expect.any(String) }, { id: expect.any(String) }], isLast: false });
    expect(Object.keys(first.body.issues[0])).toEqual(['id']);
    // A token belongs to its query: another query cannot resume it.
    expect((await s.search('bob', 'project = LOAD ORDER BY created', { nextPageToken: first.body.nextPageToken })).status).toBe(400);
    expect((await s.search('bob', 'project = LOAD ORDER BY key', { nextPageToken: 'garbage' })).status).toBe(400);
    // An issue created between pages does not make a page repeat or skip the others.
    const page1 = await s.search('bob', 'project = LOAD ORDER BY key', { fields: ['key'], maxResults: 600 });
    s.site.jira.create({ kind: 'user', user: s.site.userByKey('alice')! }, 'LOAD', { summary: 'Created while paging' });
    const rest = await searchKeys(s, 'bob', 'project = LOAD ORDER BY key', { maxResults: 600, nextPageToken: page1.body.nextPageToken });
    expect(new Set([...page1.body.issues.map((i: { key: string }) => i.key), ...rest]).size).toBe(1235);
    expect(rest.at(-1)).toBe('LOAD-1235');
    expect(await s.search('bob', 'project = LOAD', { maxResults: 5001 })).toMatchObject({ status: 400, body: { errorMessages: ['The max results parameter has to be between 1 and 5,000.'] } });
    expect((await s.search('bob', 'project = LOAD', { properties: ['a', 'b', 'c', 'd', 'e', 'f'] })).status).toBe(400);
  });

  it('finds issues by indexed entity properties and their search aliases, and refuses unindexed ones', async () => {
    await s.jira('bob', 'PUT', '/rest/api/3/issue/DEMO-1/properties/probe-links', { conversationIds: ['AAQk1', 'AAQk2'], count: 2 });
    await s.jira('alice', 'PUT', '/rest/api/3/issue/PUB-1/properties/probe-links', { conversationIds: ['AAQk2'], count: 1 });
    expect(await keys('alice', 'probeConversationId = AAQk2')).toEqual(['DEMO-1', 'PUB-1']);
    expect(await keys('anonymous', 'probeConversationId = AAQk2')).toEqual(['PUB-1']);
    expect(await keys('alice', 'issue.property[probe-links].count >= 2')).toEqual(['DEMO-1']);
    expect(await keys('alice', 'issue.property[probe-links].conversationIds in (AAQk1)')).toEqual(['DEMO-1']);
    expect(await error('issue.property[probe-links].other = 1')).toEqual(["Field 'issue.property[probe-links].other' does not exist or you do not have permission to view it."]);
    const withProps = await s.search('alice', 'probeConversationId = AAQk1', { fields: ['key'], properties: ['probe-links'] });
    expect(withProps.body.issues[0].properties).toEqual({ 'probe-links': { conversationIds: ['AAQk1', 'AAQk2'], count: 2 } });
  });

  it('parses queries for /jql/parse: the structure when valid, the errors in strict mode, both in warn mode', async () => {
    const r = await s.jira('bob', 'POST', '/rest/api/3/jql/parse?validation=strict', { queries: ['project = DEMO AND assignee in (currentUser(), EMPTY) ORDER BY created DESC', 'status = Nope', 'project ='] });
    expect(r.status).toBe(200);
    const [good, bad, broken] = r.body.queries;
    expect(good.structure).toEqual({
      where: {
        operator: 'and',
        clauses: [
          { field: { name: 'project', encodedName: 'project' }, operator: '=', operand: { value: 'DEMO', encodedValue: 'DEMO' } },
          { field: { name: 'assignee', encodedName: 'assignee' }, operator: 'in', operand: { values: [{ function: 'currentUser', arguments: [], encodedOperand: 'currentUser()' }, { keyword: 'empty' }], encodedOperand: '(currentUser(), EMPTY)' } },
        ],
      },
      orderBy: { fields: [{ field: { name: 'created', encodedName: 'created' }, direction: 'desc' }] },
    });
    expect(good.errors).toBeUndefined();
    expect(bad).toEqual({ query: 'status = Nope', errors: ["The value 'Nope' does not exist for the field 'status'."] });
    expect(broken.errors).toEqual(['Error in JQL Query: Expecting either a value, list or function before the end of the query.']);
    const warn = await s.jira('bob', 'POST', '/rest/api/3/jql/parse?validation=warn', { queries: ['status = Nope'] });
    expect(warn.body.queries[0]).toMatchObject({ structure: { where: { operator: '=' } }, errors: ["The value 'Nope' does not exist for the field 'status'."] });
  });

  it('answers hostile queries with a 400, never a crash or a long wait', async () => {
    const hostile = [
      'x'.repeat(LIMITS.length + 1),
      `${'('.repeat(100_000)}project = DEMO`,
      `${'('.repeat(4_000)}project = DEMO${')'.repeat(4_000)}`,
      `${'NOT '.repeat(2_000)}project = DEMO`,
      `${'!'.repeat(5_000)}project = DEMO`,
      Array.from({ length: 300 }, () => 'project = DEMO').join(' OR '),
      `key in (${Array.from({ length: 1_200 }, (_, n) => `DEMO-${n}`).join(',')})`,
      'summary ~ "\\q"',
      'summary ~ "unterminated',
      'project = DEMO ORDER BY key, created, updated, duedate, priority, status, summary, assignee',
      'project = \u202eDEMO\u202c',
      '💥 = 🎉',
      'project = DEMO\u0000',
      '"',
      "'''",
      ')',
      'AND',
      'project in ()',
      'assignee = currentUser(',
      'project = DEMO ORDER BY',
      'issue.property[x = 1',
    ];
    for (const jql of hostile) {
      const started = performance.now();
      const r = await s.search('alice', jql);
      expect(r.status, jql.slice(0, 40)).toBe(400);
      expect(r.body.errorMessages[0], jql.slice(0, 40)).toEqual(expect.any(String));
      expect(performance.now() - started).toBeLessThan(2_000);
    }
    expect((await error(`${'('.repeat(4_000)}project = DEMO${')'.repeat(4_000)}`))[0]).toMatch(/nests parentheses and NOT more than 32 deep/);
    expect((await error('x'.repeat(LIMITS.length + 1)))[0]).toBe(`The JQL query is ${LIMITS.length + 1} characters long; the local host accepts at most ${LIMITS.length}.`);
    // Quotes, escapes and any Unicode inside a quoted value are just a value.
    expect(await keys('alice', 'summary ~ "naïve \\"quoted\\" 日本語 🎉" AND project = DEMO')).toEqual([]);
    expect(await keys('alice', "labels = 'it\\'s' OR labels = \"a\\u0041\" OR key = DEMO-1")).toEqual(['DEMO-1']);
  });

  it('never throws on random input, whatever the bytes', () => {
    const alphabet = ['project', 'key', '=', '!=', '~', '(', ')', ',', '"', "'", '\\', ' ', 'AND', 'OR', 'NOT', 'IN', 'IS', 'EMPTY', 'ORDER', 'BY', 'DEMO-1', 'cf[10015]', 'issue.property[a].b', 'now()', '-5d', '\n', '€', '\u0000', '[', ']', '@', '!', '&&', '||'];
    let seed = 42;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let n = 0; n < 3_000; n++) {
      const jql = Array.from({ length: 1 + rand(25) }, () => alphabet[rand(alphabet.length)]).join(rand(2) ? ' ' : '');
      const parsed = parseJql(jql);
      expect(typeof parsed.ok).toBe('boolean');
    }
  });
});
