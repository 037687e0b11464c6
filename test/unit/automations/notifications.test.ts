import { describe, expect, it } from 'vitest';
import { buildMessage, decideNotification, issueJql, readJiraEvent, whenMatches, type RuleWhen } from '../../../src/core/automations';
import { nodeCrypto } from '../../../src/adapters/node/crypto';

const SECRET = { clientState: 'c'.repeat(43), graphId: 'g-1' };
const post = (value: unknown[], subId = 'sAAAAAAAAAAAAAAAAAAAAAAAA') => ({ method: 'POST', subId, body: JSON.stringify({ value }) });
const item = (over: Record<string, unknown> = {}) => ({ subscriptionId: 'g-1', clientState: SECRET.clientState, changeType: 'updated', resource: 'Users/u/todo/lists/L/tasks/T1', resourceData: { id: 'T1' }, ...over });

describe('the notification decision table', () => {
  it('echoes the validation token only for a subscription of ours while the feature is on', () => {
    const req = { method: 'POST', subId: 'sAAAAAAAAAAAAAAAAAAAAAAAA', validationToken: 'Validation: Testing client application reachability' };
    expect(decideNotification(req, { enabled: true, secret: SECRET }, nodeCrypto)).toEqual({ kind: 'validate', token: req.validationToken });
    expect(decideNotification(req, { enabled: false, secret: SECRET }, nodeCrypto)).toEqual({ kind: 'refuse', status: 404 });
    expect(decideNotification(req, { enabled: true }, nodeCrypto)).toEqual({ kind: 'refuse', status: 404 });
    expect(decideNotification({ ...req, validationToken: 'x'.repeat(1025) }, { enabled: true, secret: SECRET }, nodeCrypto)).toEqual({ kind: 'refuse', status: 400 });
  });

  it('queues one job per task per delivery and nothing for forged, stale or foreign items', () => {
    const d = decideNotification(
      post([item(), item(), item({ resourceData: { id: 'T2' } }), item({ clientState: 'wrong' }), item({ clientState: undefined }), item({ subscriptionId: 'g-old' }), 'junk']),
      { enabled: true, secret: SECRET },
      nodeCrypto,
    );
    expect(d).toEqual({
      kind: 'accept',
      jobs: [
        { kind: 'todo', subId: 'sAAAAAAAAAAAAAAAAAAAAAAAA', taskId: 'T1' },
        { kind: 'todo', subId: 'sAAAAAAAAAAAAAAAAAAAAAAAA', taskId: 'T2' },
      ],
      forged: 3,
      stale: 1,
    });
  });

  it('takes the task id from the resource when resourceData has none', () => {
    const d = decideNotification(post([item({ resourceData: undefined })]), { enabled: true, secret: SECRET }, nodeCrypto);
    expect(d.kind === 'accept' ? d.jobs : []).toEqual([{ kind: 'todo', subId: 'sAAAAAAAAAAAAAAAAAAAAAAAA', taskId: 'T1' }]);
  });

  it('queues lifecycle events once each', () => {
    const d = decideNotification(post([item({ lifecycleEvent: 'missed' }), item({ lifecycleEvent: 'missed' }), item({ lifecycleEvent: 'reauthorizationRequired' }), item({ lifecycleEvent: 'bogus' })]), { enabled: true, secret: SECRET }, nodeCrypto);
    expect(d.kind === 'accept' ? d.jobs.map((j) => (j.kind === 'lifecycle' ? j.event : '')) : []).toEqual(['missed', 'reauthorizationRequired']);
  });

  it('does nothing when the feature is off or the subscription is unknown (every item counts as forged)', () => {
    expect(decideNotification(post([item()]), { enabled: false, secret: SECRET }, nodeCrypto)).toMatchObject({ kind: 'accept', jobs: [], forged: 1 });
    expect(decideNotification(post([item()]), { enabled: true }, nodeCrypto)).toMatchObject({ kind: 'accept', jobs: [], forged: 1 });
  });

  it('refuses what is not a notification', () => {
    expect(decideNotification({ method: 'GET' }, { enabled: true }, nodeCrypto)).toEqual({ kind: 'refuse', status: 405 });
    expect(decideNotification({ method: 'POST', body: '{' }, { enabled: true }, nodeCrypto)).toEqual({ kind: 'refuse', status: 400 });
    expect(decideNotification({ method: 'POST', body: '{"value": 1}' }, { enabled: true }, nodeCrypto)).toEqual({ kind: 'refuse', status: 400 });
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
