import { describe, expect, it } from 'vitest';
import { buildMessage, clientStateFor, Coalescer, decideNotification, issueJql, readJiraEvent, whenMatches, type RuleWhen } from '../../../src/core/automations';
import { hmac } from './fakes';
import { nodeCrypto } from '../../../src/adapters/node/crypto';

const STATE = 'c'.repeat(43);
const SUB = 'sAAAAAAAAAAAAAAAAAAAAAAAA';
const post = (value: unknown[]) => ({ method: 'POST', subId: SUB, nonce: 'nnnnnnnnnnnnnnnn', body: JSON.stringify({ value }) });
const item = (over: Record<string, unknown> = {}) => ({ subscriptionId: 'g-1', clientState: STATE, changeType: 'updated', resource: 'Users/u/todo/lists/L/tasks/T1', resourceData: { id: 'T1' }, ...over });

describe('the notification decision table', () => {
  it('echoes the validation token only at our own URLs while the feature is on', () => {
    const req = { method: 'POST', subId: SUB, nonce: 'nnnnnnnnnnnnnnnn', validationToken: 'Validation: Testing client application reachability' };
    expect(decideNotification(req, STATE, nodeCrypto, true)).toEqual({ kind: 'validate', token: req.validationToken });
    expect(decideNotification(req, STATE, nodeCrypto, false)).toEqual({ kind: 'refuse', status: 404 });
    expect(decideNotification(req, undefined, nodeCrypto, true)).toEqual({ kind: 'refuse', status: 404 });
    expect(decideNotification({ ...req, validationToken: 'x'.repeat(1025) }, STATE, nodeCrypto, true)).toEqual({ kind: 'refuse', status: 400 });
  });

  it('queues one job per task per delivery, with Graph’s subscription id, and nothing for forged items', () => {
    const d = decideNotification(post([item(), item(), item({ resourceData: { id: 'T2' } }), item({ clientState: 'wrong' }), item({ clientState: undefined }), 'junk']), STATE, nodeCrypto);
    expect(d).toEqual({
      kind: 'accept',
      jobs: [
        { kind: 'todo', subId: SUB, taskId: 'T1', graphId: 'g-1' },
        { kind: 'todo', subId: SUB, taskId: 'T2', graphId: 'g-1' },
      ],
      forged: 3,
    });
  });

  it('takes the task id from the resource when resourceData has none', () => {
    const d = decideNotification(post([item({ resourceData: undefined })]), STATE, nodeCrypto);
    expect(d.kind === 'accept' ? d.jobs : []).toEqual([{ kind: 'todo', subId: SUB, taskId: 'T1', graphId: 'g-1' }]);
  });

  it('queues lifecycle events once each', () => {
    const d = decideNotification(post([item({ lifecycleEvent: 'missed' }), item({ lifecycleEvent: 'missed' }), item({ lifecycleEvent: 'reauthorizationRequired' }), item({ lifecycleEvent: 'bogus' })]), STATE, nodeCrypto);
    expect(d.kind === 'accept' ? d.jobs.map((j) => (j.kind === 'lifecycle' ? j.event : '')) : []).toEqual(['missed', 'reauthorizationRequired']);
  });

  it('counts every item as forged at a URL that is not ours', () => {
    expect(decideNotification(post([item()]), undefined, nodeCrypto)).toMatchObject({ kind: 'accept', jobs: [], forged: 1 });
  });

  it('refuses what is not a notification', () => {
    expect(decideNotification({ method: 'GET' }, undefined, nodeCrypto)).toEqual({ kind: 'refuse', status: 405 });
    expect(decideNotification({ method: 'POST', body: '{' }, undefined, nodeCrypto)).toEqual({ kind: 'refuse', status: 400 });
    expect(decideNotification({ method: 'POST', body: '{"value": 1}' }, undefined, nodeCrypto)).toEqual({ kind: 'refuse', status: 400 });
  });

  it('derives clientStates from the key, the record and the nonce: another of any gives another', () => {
    const a = clientStateFor(hmac, 'k1', SUB, 'n1');
    expect(a).toMatch(/^[\w-]{43}$/);
    expect(new Set([a, clientStateFor(hmac, 'k2', SUB, 'n1'), clientStateFor(hmac, 'k1', 'sBBBBBBBBBBBBBBBBBBBBBBBB', 'n1'), clientStateFor(hmac, 'k1', SUB, 'n2')]).size).toBe(4);
  });
});

describe('coalescing notifications about one task', () => {
  it('queues the first at once and one trailing job for the rest of the window, which runs after the window', () => {
    const c = new Coalescer(5000);
    expect(c.admit('t', 0)).toEqual({ push: true, delaySeconds: 0 });
    expect(c.admit('t', 100)).toEqual({ push: true, delaySeconds: 5 });
    for (let t = 200; t < 5000; t += 5) expect(c.admit('t', t)).toEqual({ push: false });
    expect(c.admit('other', 300)).toEqual({ push: true, delaySeconds: 0 });
    expect(c.admit('t', 5000)).toEqual({ push: true, delaySeconds: 0 });
  });

  it('a notification late in the window still gets a job that runs after it', () => {
    const c = new Coalescer(5000);
    c.admit('t', 0);
    expect(c.admit('t', 4999)).toEqual({ push: true, delaySeconds: 1 });
  });
});

describe('Jira events', () => {
  const base = { issue: { id: '10001', key: 'DEMO-1', fields: { project: { id: '10000' } } }, atlassianId: '557058:b0b' };

  it('names each change for dedupe: created by issue, updated by changelog, commented by comment', () => {
    expect(readJiraEvent({ ...base, eventType: 'avi:jira:created:issue' })?.eventId).toBe('c:10001');
    expect(readJiraEvent({ ...base, eventType: 'avi:jira:updated:issue', changelog: { id: '42', items: [] } })?.eventId).toBe('u:42');
    expect(readJiraEvent({ ...base, eventType: 'avi:jira:commented:issue', comment: { id: '7', body: 'not kept' } })?.eventId).toBe('m:7');
    expect(readJiraEvent({ ...base, eventType: 'avi:jira:deleted:issue' })).toBeUndefined();
    expect(readJiraEvent({ ...base, eventType: 'avi:jira:updated:issue' })).toBeUndefined();
  });

  it('keeps ids only: no summary, comment text or field names travel', () => {
    const e = readJiraEvent({ ...base, eventType: 'avi:jira:commented:issue', comment: { id: '7', body: 'secret words' } });
    expect(JSON.stringify(e)).not.toContain('secret');
  });

  it('matches a rule’s when', () => {
    const when = (w: Partial<RuleWhen>) => ({ when: { events: [], toStatuses: [], ...w } });
    const moved = readJiraEvent({ ...base, eventType: 'avi:jira:updated:issue', changelog: { id: '1', items: [{ fieldId: 'status', from: '1', to: '3' }, { field: 'assignee', to: 'x' }] } });
    if (!moved) throw new Error('unreadable');
    expect(whenMatches(when({ events: ['transitioned'] }), moved.change)).toBe(true);
    expect(whenMatches(when({ events: ['transitioned'], toStatuses: [{ id: '4', name: 'Done' }] }), moved.change)).toBe(false);
    expect(whenMatches(when({ events: ['transitioned'], toStatuses: [{ id: '3', name: 'In Progress' }] }), moved.change)).toBe(true);
    expect(whenMatches(when({ events: ['assigned'] }), moved.change)).toBe(true);
    expect(whenMatches(when({ events: ['priority', 'created', 'commented'] }), moved.change)).toBe(false);
  });

  it('bounds the rule’s JQL to the one issue, in parentheses', () => {
    expect(issueJql('10001', '')).toBe('id = 10001');
    expect(issueJql('10001', 'labels = a OR labels = b')).toBe('id = 10001 AND (labels = a OR labels = b)');
  });
});

describe('the message', () => {
  it('escapes everything from Jira and links only http(s)', () => {
    const html = buildMessage({ heading: 'Heads <up>', issueKey: 'DEMO-1', summary: '<img src=x onerror=alert(1)>', url: 'javascript:alert(1)', actorName: 'Eve "<script>"', change: { kind: 'created', items: [] }, names: {} });
    expect(html).not.toMatch(/<img|<script|javascript:/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('<p><b>Heads &lt;up&gt;</b></p>');
  });
});
