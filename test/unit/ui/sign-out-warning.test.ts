import { describe, expect, it } from 'vitest';
import { signOutWarning } from '../../../static/shared/sharing/sign-out-warning';

/** The question before signing out counts every kind shared as an item, on issues and pages (a reviewer read "3 mails and conversations on 0 issues" for a mail and two events on a Confluence page). */
describe('the sign-out warning', () => {
  it('counts items of every kind, and names the issues and pages they are on', () => {
    expect(signOutWarning({ count: 6, issues: 2, pages: 0 })).toBe('The 6 items you shared on 2 issues will be unavailable to everyone while you are signed out.');
    expect(signOutWarning({ count: 3, issues: 0, pages: 1 })).toBe('The 3 items you shared on 1 page will be unavailable to everyone while you are signed out.');
    expect(signOutWarning({ count: 4, issues: 1, pages: 2 })).toBe('The 4 items you shared on 1 issue and 2 pages will be unavailable to everyone while you are signed out.');
    expect(signOutWarning({ count: 1, issues: 1, pages: 0 })).toBe('The item you shared on 1 issue will be unavailable to everyone while you are signed out.');
  });
});
