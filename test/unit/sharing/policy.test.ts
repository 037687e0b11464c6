import { describe, expect, it } from 'vitest';
import { decide, effectiveScope, SHARING_POLICY, type PolicyFacts, type SharingAction } from '../../../src/core/sharing/policy';
import type { ShareScope } from '../../../src/core/sharing/model';

const ACTIONS: SharingAction[] = ['view', 'create', 'changeScope', 'remove'];
const SCOPES: ShareScope[] = ['private', 'atlassian', 'public'];
const BOOL = [false, true];

/** Every combination of facts: 4 actions × 3 scopes × 2⁶ booleans. */
function* everyFact(): Generator<PolicyFacts> {
  for (const action of ACTIONS)
    for (const scope of SCOPES)
      for (const loggedIn of BOOL)
        for (const mayViewIssue of BOOL)
          for (const featureOn of BOOL)
            for (const isSharer of BOOL)
              for (const isProjectAdmin of BOOL)
                for (const targetAllowed of BOOL) yield { action, scope, loggedIn, mayViewIssue, featureOn, isSharer: isSharer && loggedIn, isProjectAdmin: isProjectAdmin && loggedIn, targetAllowed };
}

describe('the sharing decision table', () => {
  it('never lets anyone near the shares of an issue Jira hides from them', () => {
    for (const f of everyFact()) if (!f.mayViewIssue) expect(decide(f)).toMatchObject({ allow: false, code: 'NOT_FOUND', hidden: true });
  });

  it('lets anonymous visitors view Public items only, and do nothing else', () => {
    for (const f of everyFact()) {
      if (f.loggedIn) continue;
      const o = decide(f);
      if (o.allow) expect(f).toMatchObject({ action: 'view', scope: 'public', featureOn: true, mayViewIssue: true });
    }
  });

  it('shows a Private item to its sharer only; an Atlassian item to logged-in users who can view the issue', () => {
    for (const f of everyFact()) {
      if (f.action !== 'view') continue;
      const o = decide(f);
      if (!o.allow) continue;
      expect(f.featureOn).toBe(true);
      if (f.scope === 'private') expect(f.isSharer).toBe(true);
      if (f.scope === 'atlassian') expect(f.loggedIn).toBe(true);
    }
    expect(decide({ action: 'view', scope: 'private', loggedIn: true, mayViewIssue: true, featureOn: true, isSharer: false, isProjectAdmin: true, targetAllowed: true })).toMatchObject({ allow: false, hidden: true });
  });

  it('lets only the sharer change the scope, and only to an allowed scope of a feature that is on', () => {
    for (const f of everyFact()) {
      if (f.action !== 'changeScope') continue;
      if (decide(f).allow) expect(f).toMatchObject({ isSharer: true, featureOn: true, targetAllowed: true, mayViewIssue: true });
    }
    const bobOnAlices = { action: 'changeScope' as const, scope: 'atlassian' as const, loggedIn: true, mayViewIssue: true, featureOn: true, isSharer: false, isProjectAdmin: true, targetAllowed: true };
    expect(decide(bobOnAlices)).toMatchObject({ allow: false, code: 'FORBIDDEN', reason: 'not_owner' });
  });

  it('lets the sharer or a project admin remove — an admin even an item they cannot see, the sharer even when the feature is off', () => {
    for (const f of everyFact()) {
      if (f.action !== 'remove') continue;
      if (decide(f).allow) expect(f.isSharer || f.isProjectAdmin).toBe(true);
    }
    expect(decide({ action: 'remove', scope: 'private', loggedIn: true, mayViewIssue: true, featureOn: true, isSharer: false, isProjectAdmin: true, targetAllowed: true }).allow).toBe(true);
    expect(decide({ action: 'remove', scope: 'atlassian', loggedIn: true, mayViewIssue: true, featureOn: false, isSharer: true, isProjectAdmin: false, targetAllowed: true }).allow).toBe(true);
    expect(decide({ action: 'remove', scope: 'atlassian', loggedIn: true, mayViewIssue: true, featureOn: true, isSharer: false, isProjectAdmin: false, targetAllowed: true })).toMatchObject({ allow: false, code: 'FORBIDDEN' });
  });

  it('answers a forged action on an item the caller cannot see as if it did not exist', () => {
    const carolOnAlicesPrivate = { action: 'changeScope' as const, scope: 'private' as const, loggedIn: true, mayViewIssue: true, featureOn: true, isSharer: false, isProjectAdmin: false, targetAllowed: true };
    expect(decide(carolOnAlicesPrivate)).toMatchObject({ allow: false, code: 'NOT_FOUND', reason: 'share_not_found', hidden: true });
    expect(decide({ ...carolOnAlicesPrivate, action: 'remove' })).toMatchObject({ allow: false, code: 'NOT_FOUND', hidden: true });
  });

  it('refuses to share with a scope the admin does not allow', () => {
    expect(decide({ action: 'create', scope: 'public', loggedIn: true, mayViewIssue: true, featureOn: true, isSharer: true, isProjectAdmin: false, targetAllowed: false })).toMatchObject({ allow: false, code: 'BAD_REQUEST', reason: 'scope_not_allowed' });
  });

  it('has a distinct description for each row', () => {
    expect(new Set(SHARING_POLICY.map((r) => r.row)).size).toBe(SHARING_POLICY.length);
  });
});

describe('effectiveScope', () => {
  it('narrows a share whose scope the admin stopped allowing, and never widens one', () => {
    expect(effectiveScope('public', ['private', 'atlassian'])).toBe('atlassian');
    expect(effectiveScope('public', ['private'])).toBe('private');
    expect(effectiveScope('atlassian', ['private', 'public'])).toBe('private');
    expect(effectiveScope('private', ['public'])).toBe('private');
    expect(effectiveScope('atlassian', ['private', 'atlassian', 'public'])).toBe('atlassian');
    for (const stored of SCOPES) for (const a of [['private'], ['atlassian'], ['public'], ['private', 'atlassian'], ['atlassian', 'public'], SCOPES] as ShareScope[][]) {
      expect(SCOPES.indexOf(effectiveScope(stored, a))).toBeLessThanOrEqual(SCOPES.indexOf(stored));
    }
  });
});
