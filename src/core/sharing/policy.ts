/**
 * Who may see, share, re-scope and remove shared items: one decision table, read top to bottom,
 * first matching row wins. Every fact comes from a trustworthy source (the invocation's accountId,
 * Jira asked as the viewer, the stored share, the admin settings) — never from the payload.
 */
import type { ErrorCode } from '../result';
import type { ShareScope } from './model';

export type SharingAction = 'view' | 'create' | 'changeScope' | 'remove';

export interface PolicyFacts {
  action: SharingAction;
  /** Logged in to Atlassian (anonymous visitors have no accountId). */
  loggedIn: boolean;
  /** Jira, asked as this viewer, lets them view the issue. */
  mayViewIssue: boolean;
  /** The admin switched on sharing of this kind of item. */
  featureOn: boolean;
  /** The caller is the share's sharer (false for `create`). */
  isSharer: boolean;
  /** Jira says the caller administers the issue's project (ADMINISTER_PROJECTS). */
  isProjectAdmin: boolean;
  /** The share's scope as it applies now (see `effectiveScope`); for `create`, the requested one. */
  scope: ShareScope;
  /** `create`/`changeScope`: the requested scope is among the admin's allowed scopes. */
  targetAllowed: boolean;
}

export type PolicyOutcome =
  | { allow: true; row: string }
  /** `hidden`: the caller must not learn the item exists (answer as if it did not). */
  | { allow: false; row: string; code: ErrorCode; reason: string; hidden: boolean };

interface Row {
  row: string;
  when: (f: PolicyFacts) => boolean;
  then: { allow: true } | { allow: false; code: ErrorCode; reason: string; hidden: boolean };
}

const canSee = (f: PolicyFacts): boolean => f.scope === 'public' || (f.scope === 'atlassian' && f.loggedIn) || (f.scope === 'private' && f.isSharer);

/** The table. Its rows are the documentation: tests walk every combination of facts through it. */
export const SHARING_POLICY: readonly Row[] = [
  { row: 'an issue the caller cannot view shows nothing of its shares', when: (f) => !f.mayViewIssue, then: { allow: false, code: 'NOT_FOUND', reason: 'issue_hidden', hidden: true } },
  { row: 'anonymous visitors only ever view', when: (f) => !f.loggedIn && f.action !== 'view', then: { allow: false, code: 'UNAUTHENTICATED', reason: 'log_in', hidden: false } },
  { row: 'a share the caller may not see is not there for them (a project admin may still remove it)', when: (f) => f.action !== 'create' && !canSee(f) && !(f.action === 'remove' && f.isProjectAdmin), then: { allow: false, code: 'NOT_FOUND', reason: 'share_not_found', hidden: true } },
  { row: 'the sharer removes their share, even after the admin turned the feature off', when: (f) => f.action === 'remove' && f.isSharer, then: { allow: true } },
  { row: 'a project admin removes shares on their project’s issues', when: (f) => f.action === 'remove' && f.isProjectAdmin, then: { allow: true } },
  { row: 'nobody else removes a share', when: (f) => f.action === 'remove', then: { allow: false, code: 'FORBIDDEN', reason: 'not_sharer_or_project_admin', hidden: false } },
  { row: 'a feature the admin turned off shows, shares and re-scopes nothing', when: (f) => !f.featureOn, then: { allow: false, code: 'FEATURE_OFF', reason: 'feature_off', hidden: false } },
  { row: 'only the sharer changes a share’s scope', when: (f) => f.action === 'changeScope' && !f.isSharer, then: { allow: false, code: 'FORBIDDEN', reason: 'not_owner', hidden: false } },
  { row: 'a scope the admin does not allow cannot be chosen', when: (f) => (f.action === 'changeScope' || f.action === 'create') && !f.targetAllowed, then: { allow: false, code: 'BAD_REQUEST', reason: 'scope_not_allowed', hidden: false } },
  { row: 'everything else the caller may see or do', when: () => true, then: { allow: true } },
];

export function decide(f: PolicyFacts): PolicyOutcome {
  for (const r of SHARING_POLICY) if (r.when(f)) return { ...r.then, row: r.row };
  // The last row matches everything; this line only satisfies the type checker.
  return { allow: false, row: 'no row', code: 'INTERNAL', reason: 'policy', hidden: true };
}

const ORDER: readonly ShareScope[] = ['private', 'atlassian', 'public'];

/**
 * The scope a stored share has now: an admin who stops allowing a scope narrows the shares that had
 * it (Public → Atlassian → Private), never widens anything. Private always stays private.
 */
export function effectiveScope(stored: ShareScope, allowed: readonly ShareScope[]): ShareScope {
  for (let i = ORDER.indexOf(stored); i > 0; i--) {
    const s = ORDER[i];
    if (s !== undefined && allowed.includes(s)) return s;
  }
  return 'private';
}
