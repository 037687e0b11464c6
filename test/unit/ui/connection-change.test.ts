import { describe, expect, it } from 'vitest';
import { connectionChanged } from '../../../static/shared/connection-change';

/** When the issue panel loads its sections anew: on a real sign-in or sign-out, not on its first check or a passing error. */
describe('a change of the viewer’s Microsoft 365 connection', () => {
  it('a finished sign-in and a sign-out are changes', () => {
    expect(connectionChanged('disconnected', 'connected')).toBe(true);
    expect(connectionChanged('connecting', 'connected')).toBe(true);
    expect(connectionChanged('connected', 'disconnected')).toBe(true);
  });

  it('the first check, a passing error and a cancelled sign-in are not (an open picker stays open)', () => {
    expect(connectionChanged('loading', 'connected')).toBe(false);
    expect(connectionChanged('error', 'connected')).toBe(false);
    expect(connectionChanged('connected', 'connected')).toBe(false);
    expect(connectionChanged('connecting', 'disconnected')).toBe(false);
    expect(connectionChanged('loading', 'disconnected')).toBe(false);
  });
});
