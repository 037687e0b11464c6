import type { AccountState } from './use-account';

/**
 * Whether the viewer's Microsoft 365 connection really changed between two account states: a sign-in finished
 * (from disconnected or connecting to connected) or a sign-out happened (connected to disconnected). Only then
 * do shared items read differently, and the issue panel loads its sections anew. The first check on load
 * (`loading`), and a passing error (a busy `/me`) that turns out connected, change nothing: remounting then
 * closed a picker the viewer had just opened.
 */
export function connectionChanged(before: AccountState['kind'], after: AccountState['kind']): boolean {
  if (after === 'connected') return before === 'disconnected' || before === 'connecting';
  return after === 'disconnected' && before === 'connected';
}
