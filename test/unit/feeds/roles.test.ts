import { describe, expect, it } from 'vitest';
import { APPS_ROLE, audienceRoles } from '../../../src/core/feeds';

/** A reviewer found Jira's apps-only role offered as an audience for a feed ("Roles of project"). */
describe('the project roles a feed may be opened to', () => {
  it('are Jira’s roles without the one only apps belong to', () => {
    const roles = [{ id: '10002', name: 'Developers' }, { id: '10003', name: APPS_ROLE }, { id: '10004', name: 'Administrators' }];
    expect(audienceRoles(roles).map((r) => r.name)).toEqual(['Developers', 'Administrators']);
    expect(APPS_ROLE).toBe('atlassian-addons-project-access');
  });
});
