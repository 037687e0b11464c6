import { beforeEach, describe, expect, it } from 'vitest';
import { demoSite, USERS, type DemoSite } from '../support/atlassian';

const NOT_FOUND = 'Issue does not exist or you do not have permission to see it.';

/** Who may see and change what in the demo site's Jira, as an app calling its REST API would find out. */
describe('Jira emulation: permissions', () => {
  let s: DemoSite;
  beforeEach(() => {
    s = demoSite();
  });

  it('hides the Management-level issue from Bob with the same 404 as a missing issue, and shows it to Alice and Carol', async () => {
    const bob = await s.jira('bob', 'GET', '/rest/api/3/issue/DEMO-3');
    expect(bob.status).toBe(404);
    expect(bob.body).toEqual({ errorMessages: [NOT_FOUND], errors: {} });
    expect(await s.jira('bob', 'GET', '/rest/api/3/issue/DEMO-404')).toMatchObject({ status: 404, body: { errorMessages: [NOT_FOUND] } });
    for (const who of ['alice', 'carol'] as const) {
      const r = await s.jira(who, 'GET', '/rest/api/3/issue/DEMO-3?fields=summary,security');
      expect(r.status).toBe(200);
      expect(r.body.fields).toEqual({ summary: 'Salary review for the support team', security: expect.objectContaining({ name: 'Management' }) });
    }
    // Bob's searches leave it out too, even when he names it.
    expect((await s.search('bob', 'project = DEMO', { fields: ['key'] })).body.issues.map((i: { key: string }) => i.key)).not.toContain('DEMO-3');
    expect(await s.search('bob', 'key = DEMO-3')).toMatchObject({ status: 400, body: { errorMessages: ["An issue with key 'DEMO-3' does not exist for field 'key'."] } });
  });

  it('lets an anonymous caller read the public project and nothing else', async () => {
    const pub = await s.jira('anonymous', 'GET', '/rest/api/3/issue/PUB-1?fields=summary,project');
    expect(pub.status).toBe(200);
    expect(pub.body.fields.summary).toBe('Publish the public roadmap');
    expect((await s.jira('anonymous', 'GET', '/rest/api/3/issue/DEMO-1')).status).toBe(404);
    const found = await s.search('anonymous', 'project in (PUB) OR assignee is EMPTY', { fields: ['key'] });
    expect(found.body.issues.map((i: { key: string }) => i.key).sort()).toEqual(['PUB-1', 'PUB-2']);
    // A private project does not exist for anonymous callers, in the words Jira uses for any unknown value.
    expect(await s.search('anonymous', 'project = DEMO')).toMatchObject({ status: 400, body: { errorMessages: ["The value 'DEMO' does not exist for the field 'project'."] } });
    expect(await s.jira('anonymous', 'GET', '/rest/api/3/mypermissions?permissions=BROWSE_PROJECTS')).toMatchObject({ status: 401 });
  });

  it('lets the app see what its add-ons role may browse, but not a security level that does not list it', async () => {
    expect((await s.jira('app', 'GET', '/rest/api/3/issue/DEMO-1')).status).toBe(200);
    expect((await s.jira('app', 'GET', '/rest/api/3/issue/DEMO-3')).status).toBe(404);
    expect(s.site.jira.changeRole('DEMO', 'atlassian-addons-project-access', 'remove', { user: 'app' })).toBeUndefined();
    expect((await s.jira('app', 'GET', '/rest/api/3/issue/DEMO-1')).status).toBe(404);
    expect((await s.jira('app', 'GET', '/rest/api/3/issue/PUB-1')).status).toBe(200);
  });

  it('answers mypermissions for the issue, the project, or any project', async () => {
    const perms = async (who: 'bob' | 'carol', q: string) => (await s.jira(who, 'GET', `/rest/api/3/mypermissions?permissions=BROWSE_PROJECTS,EDIT_ISSUES,TRANSITION_ISSUES,ADMINISTER_PROJECTS,ADMINISTER${q}`)).body.permissions;
    const have = (p: Record<string, { havePermission: boolean }>) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v.havePermission]));
    expect(have(await perms('carol', '&issueKey=DEMO-1'))).toEqual({ BROWSE_PROJECTS: true, EDIT_ISSUES: false, TRANSITION_ISSUES: false, ADMINISTER_PROJECTS: false, ADMINISTER: false });
    expect(have(await perms('bob', '&issueKey=DEMO-1'))).toEqual({ BROWSE_PROJECTS: true, EDIT_ISSUES: true, TRANSITION_ISSUES: true, ADMINISTER_PROJECTS: false, ADMINISTER: false });
    // Carol edits PUB (Developers there); in the global context that counts as having the permission.
    expect(have(await perms('carol', '&projectKey=PUB')).EDIT_ISSUES).toBe(true);
    expect(have(await perms('carol', '')).EDIT_ISSUES).toBe(true);
    expect(await s.jira('bob', 'GET', '/rest/api/3/mypermissions?permissions=EDIT_ISSUES&issueKey=DEMO-3')).toMatchObject({ status: 404, body: { errorMessages: [NOT_FOUND] } });
    expect(await s.jira('bob', 'GET', '/rest/api/3/mypermissions?permissions=EDIT_ISSUES&projectKey=NOPE')).toMatchObject({ status: 404, body: { errorMessages: ["No project could be found with key 'NOPE'."] } });
    expect((await s.jira('bob', 'GET', '/rest/api/3/mypermissions')).status).toBe(400);
  });

  it('checks permissions in bulk for oneself, and for others only as a Jira admin', async () => {
    const body = { accountId: USERS.bob, projectPermissions: [{ permissions: ['BROWSE_PROJECTS', 'EDIT_ISSUES'], projects: [10000, 10001, 99999], issues: [10001, 10003, 10006, 88888] }] };
    const asAlice = await s.jira('alice', 'POST', '/rest/api/3/permissions/check', body);
    expect(asAlice.status).toBe(200);
    expect(asAlice.body).toEqual({
      globalPermissions: [],
      projectPermissions: [
        { permission: 'BROWSE_PROJECTS', projects: [10000, 10001], issues: [10001, 10006] },
        { permission: 'EDIT_ISSUES', projects: [10000], issues: [10001] },
      ],
    });
    const self = await s.jira('bob', 'POST', '/rest/api/3/permissions/check', body);
    expect(self.body).toEqual(asAlice.body);
    const other = await s.jira('carol', 'POST', '/rest/api/3/permissions/check', body);
    expect(other.status).toBe(403);
    expect((await s.jira('app', 'POST', '/rest/api/3/permissions/check', body)).status).toBe(403);
    s.site.jira.settings.appMayCheckOtherUsers = true;
    expect((await s.jira('app', 'POST', '/rest/api/3/permissions/check', body)).body).toEqual(asAlice.body);
    const tooMany = { projectPermissions: [{ permissions: ['BROWSE_PROJECTS'], issues: Array.from({ length: 1001 }, (_, n) => 10000 + n) }] };
    expect(await s.jira('bob', 'POST', '/rest/api/3/permissions/check', tooMany)).toMatchObject({ status: 400, body: { errorMessages: ['A maximum of 1000 projects and 1000 issues can be checked.'] } });
  });

  it('refuses a property write by someone who may browse but not edit, and keeps the property unchanged', async () => {
    const path = '/rest/api/3/issue/DEMO-1/properties/probe-links';
    expect((await s.jira('bob', 'PUT', path, { conversationIds: ['c1'] })).status).toBe(201);
    expect((await s.jira('bob', 'PUT', path, { conversationIds: ['c1', 'c2'] })).status).toBe(200);
    const refused = await s.jira('carol', 'PUT', path, { conversationIds: ['forged'] });
    expect(refused.status).toBe(403);
    expect((await s.jira('carol', 'DELETE', path)).status).toBe(403);
    // Anyone who may browse the issue may read it; whoever may not, gets the issue's 404.
    expect(await s.jira('carol', 'GET', path)).toMatchObject({ status: 200, body: { key: 'probe-links', value: { conversationIds: ['c1', 'c2'] } } });
    expect(await s.jira('anonymous', 'GET', path)).toMatchObject({ status: 404, body: { errorMessages: [NOT_FOUND] } });
    expect((await s.jira('bob', 'GET', '/rest/api/3/issue/DEMO-1/properties')).body.keys.map((k: { key: string }) => k.key)).toEqual(['probe-links']);
    expect((await s.jira('bob', 'DELETE', path)).status).toBe(204);
    expect((await s.jira('bob', 'GET', path)).status).toBe(404);
  });

  it('holds property values to 32,768 characters and keys to 255', async () => {
    const path = '/rest/api/3/issue/DEMO-1/properties/big';
    // A JSON string of 32,768 characters, quotes included, fits; one more does not.
    const justFits = 'x'.repeat(32_768 - 2);
    expect((await s.jira('bob', 'PUT', path, JSON.stringify(justFits))).status).toBe(201);
    expect((await s.jira('bob', 'PUT', path, JSON.stringify(`${justFits}x`))).status).toBe(400);
    expect((await s.jira('bob', 'GET', path)).body.value).toBe(justFits);
    expect((await s.jira('bob', 'PUT', `/rest/api/3/issue/DEMO-1/properties/${'k'.repeat(256)}`, { a: 1 })).status).toBe(400);
    expect((await s.jira('bob', 'PUT', path, 'not json')).status).toBe(400);
  });

  it('offers no transition to someone without Transition Issues and refuses theirs with the 400 Jira gives', async () => {
    expect((await s.jira('carol', 'GET', '/rest/api/3/issue/DEMO-1/transitions')).body.transitions).toEqual([]);
    const refused = await s.jira('carol', 'POST', '/rest/api/3/issue/DEMO-1/transitions', { transition: { id: '21' } });
    expect(refused).toMatchObject({ status: 400, body: { errorMessages: ["Transition id '21' is not valid for this issue."] } });
    expect((await s.jira('alice', 'GET', '/rest/api/3/issue/DEMO-1?fields=status')).body.fields.status.name).toBe('To Do');

    const offered = (await s.jira('bob', 'GET', '/rest/api/3/issue/DEMO-1/transitions')).body.transitions;
    expect(offered.map((t: { id: string; to: { name: string } }) => [t.id, t.to.name])).toEqual([['21', 'In Progress'], ['31', 'Done']]);
    const events: string[] = [];
    s.site.jira.onIssueEvent((e) => events.push(`${e.type} ${e.issue.key} ${e.changelog?.items.map((i) => `${i.field}:${i.fromString}->${i.toString}`).join(',')} by ${e.atlassianId}`));
    expect((await s.jira('bob', 'POST', '/rest/api/3/issue/DEMO-1/transitions', { transition: { id: '31' } })).status).toBe(204);
    const done = (await s.jira('bob', 'GET', '/rest/api/3/issue/DEMO-1?fields=status,resolution,resolutiondate')).body.fields;
    expect(done.status.name).toBe('Done');
    expect(done.resolution.name).toBe('Done');
    expect(events).toEqual([`avi:jira:updated:issue DEMO-1 status:To Do->Done,resolution:null->Done by ${USERS.bob}`]);
    expect((await s.jira('bob', 'POST', '/rest/api/3/issue/DEMO-1/transitions', { transition: { id: '31' } })).body.errorMessages).toEqual(["Transition id '31' is not valid for this issue."]);
    expect((await s.jira('bob', 'POST', '/rest/api/3/issue/DEMO-1/transitions', { transition: { id: 'done' } })).body.errorMessages).toEqual(["'transition' identifier must be an integer"]);
    expect((await s.jira('bob', 'POST', '/rest/api/3/issue/DEMO-3/transitions', { transition: { id: '21' } })).status).toBe(404);
  });

  it('shows project roles to project admins only, with their actors', async () => {
    const roles = await s.jira('alice', 'GET', '/rest/api/3/project/DEMO/role');
    expect(Object.keys(roles.body)).toEqual(['Administrators', 'Developers', 'Users', 'atlassian-addons-project-access']);
    const devs = await s.jira('alice', 'GET', '/rest/api/3/project/DEMO/role/10001');
    expect(devs.body.actors).toEqual([expect.objectContaining({ type: 'atlassian-user-role-actor', displayName: 'Bob Brown', actorUser: { accountId: USERS.bob } })]);
    expect((await s.jira('bob', 'GET', '/rest/api/3/project/DEMO/role')).status).toBe(403);
    expect((await s.jira('bob', 'GET', '/rest/api/3/project/DEMO')).body).toMatchObject({ key: 'DEMO', id: '10000', isPrivate: true });
    expect((await s.jira('anonymous', 'GET', '/rest/api/3/project/PUB')).body).toMatchObject({ key: 'PUB', isPrivate: false });
    expect(await s.jira('anonymous', 'GET', '/rest/api/3/project/DEMO')).toMatchObject({ status: 404, body: { errorMessages: ["No project could be found with key 'DEMO'."] } });
    // Removing Bob from Developers takes his edit rights away at once.
    s.site.jira.changeRole('DEMO', 'Developers', 'remove', { user: 'bob' });
    expect((await s.jira('bob', 'PUT', '/rest/api/3/issue/DEMO-1/properties/x', { a: 1 })).status).toBe(403);
  });

  it('answers user look-ups for logged-in users and the app, and 401 without credentials', async () => {
    expect((await s.jira('bob', 'GET', '/rest/api/3/myself')).body).toMatchObject({ accountId: USERS.bob, displayName: 'Bob Brown' });
    expect((await s.jira('app', 'GET', '/rest/api/3/myself')).body).toMatchObject({ accountType: 'app' });
    expect((await s.jira('anonymous', 'GET', '/rest/api/3/myself')).status).toBe(401);
    expect((await s.jira('bob', 'GET', `/rest/api/3/user/groups?accountId=${USERS.carol}`)).body.map((g: { name: string }) => g.name)).toEqual(['jira-software-users', 'confluence-users']);
    expect((await s.jira('anonymous', 'GET', `/rest/api/3/user?accountId=${USERS.carol}`)).status).toBe(401);
    // Gina has no Jira access: she may not browse users.
    expect((await s.jira('gina', 'GET', `/rest/api/3/user?accountId=${USERS.carol}`)).status).toBe(403);
  });

  it('says the old search endpoints are gone', async () => {
    expect(await s.jira('bob', 'GET', '/rest/api/3/search?jql=project%3DDEMO')).toMatchObject({ status: 410 });
    expect((await s.jira('bob', 'GET', '/rest/api/3/nothing-here')).status).toBe(404);
  });
});
