import { describe, expect, it } from 'vitest';
import { accountEvents, readAccountMessage, type EventsApi } from '../../../static/shared/account-events';

// Two frames of the app over a relay that does what the product page does with @forge/bridge's events
// (events.js: 'on' with a callback, 'emit' with a payload that arrives as JSON).

type Callback = (payload: unknown) => void;

function relay() {
  const subs = new Set<{ event: string; callback: Callback }>();
  const emitted: unknown[] = [];
  const events: EventsApi = {
    on: async (event, callback: Callback) => {
      const sub = { event, callback };
      subs.add(sub);
      return { unsubscribe: () => void subs.delete(sub) };
    },
    emit: async (event, payload) => {
      emitted.push(payload);
      for (const s of subs) if (s.event === event) s.callback(JSON.parse(JSON.stringify(payload)) as unknown);
    },
  };
  return { events, emitted, subs };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('one Microsoft 365 connection for the page', () => {
  it('tells the other frames of the same Atlassian user, not the frame that announced it', async () => {
    const r = relay();
    const byline = accountEvents(r.events);
    const macro = accountEvents(r.events);
    expect(byline.frameId).not.toBe(macro.frameId);
    const heardByMacro: string[] = [];
    const heardByByline: string[] = [];
    macro.listen('alice', (c) => heardByMacro.push(c));
    byline.listen('alice', (c) => heardByByline.push(c));
    await tick();
    byline.announce('signedOut', 'alice');
    await tick();
    expect(heardByMacro).toEqual(['signedOut']);
    expect(heardByByline).toEqual([]);
    // What crosses the page is a nudge with ids, never a token.
    expect(JSON.stringify(r.emitted)).not.toMatch(/token|eyJ/i);
  });

  it('stops hearing once unsubscribed, even when the subscription was still being made', async () => {
    const r = relay();
    const a = accountEvents(r.events);
    const b = accountEvents(r.events);
    const heard: string[] = [];
    const stop = b.listen('alice', (c) => heard.push(c));
    stop();
    await tick();
    a.announce('connected', 'alice');
    await tick();
    expect(heard).toEqual([]);
    expect(r.subs.size).toBe(0);
  });

  it('ignores messages for another account, from itself, or of another shape', () => {
    const self = { frameId: 'f1', accountId: 'alice' };
    expect(readAccountMessage({ change: 'connected', accountId: 'alice', from: 'f2' }, self)).toBe('connected');
    expect(readAccountMessage({ change: 'signedOut', accountId: 'alice', from: 'f2' }, self)).toBe('signedOut');
    expect(readAccountMessage({ change: 'connected', accountId: 'bob', from: 'f2' }, self)).toBeUndefined();
    expect(readAccountMessage({ change: 'connected', accountId: 'alice', from: 'f1' }, self)).toBeUndefined();
    for (const bad of [null, 'connected', 42, {}, { change: 'token', accountId: 'alice', from: 'f2' }, { change: 'connected', from: 'f2' }]) {
      expect(readAccountMessage(bad, self)).toBeUndefined();
    }
  });
});
