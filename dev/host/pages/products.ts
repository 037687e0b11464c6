import { appUuid, type AppManifest, type UiModule } from '../manifest';
import { LOCAL_ENVIRONMENT } from '../installation';
import { installationsFor } from '../installations';
import type { AccountStates } from '../products/accounts';
import type { PageStore } from '../products/page-store';
import type { SiteDirectory } from '../products/site';
import type { AtlassianUser } from '../products/tenant';
import { html, raw, type Html } from './html';
import type { ServedHost } from '../egress';
import { isoDay } from '../products/dates';
import { priorityById, statusById } from '../products/jira/model';
import { projectPermission, type Who } from '../products/jira/permissions';
import { extensionFrame, layout, type Chrome } from './layout';
import { accountTypeFor, moduleAllows, productOfModule } from '../access';

interface PageDeps {
  manifest: AppManifest;
  site: SiteDirectory;
  accounts: AccountStates;
  cdnOrigin: string;
  pages: PageStore;
  microsoftHosts?: ServedHost[] | undefined;
}

const productContext = (d: PageDeps, user: AtlassianUser | undefined) => ({
  cloudId: d.site.fixture.cloudId,
  siteUrl: d.site.fixture.siteUrl,
  environmentType: LOCAL_ENVIRONMENT.type,
  ...(user ? { accountId: user.accountId } : {}),
});

/** The app, environment and installation a module's frame belongs to (its product's installation). */
const appOf = (d: PageDeps, m: UiModule) => ({
  id: appUuid(d.manifest),
  environmentId: LOCAL_ENVIRONMENT.id,
  installationId: installationsFor(d.manifest, d.site.fixture.cloudId).forProduct(productOfModule(m.type)).installationId,
});

const modulesOf = (m: AppManifest, type: string) => [...m.uiModules.values()].filter((u) => u.type === type);

/** A page that only some users may open, at the URL its product gives it. */
export interface SettingsPage {
  module: UiModule;
  product: 'Jira' | 'Confluence';
  url: string;
  /** Who the product shows the page to. */
  audience: 'site-admins' | 'logged-in';
}

/**
 * The settings pages the app's modules add, at their documented product URLs:
 * jira:adminPage `/jira/settings/apps/{appId}/{envId}`, or `/jira/settings/apps/configure/{appId}/{envId}`
 * with `useAsConfig`; jira:personalSettingsPage `/jira/settings/personal/apps/{appId}/{envId}`;
 * confluence:globalSettings `/wiki/admin/forge/apps/{appId}/{envId}/{moduleKey}` (see dev/host/README.md).
 */
export function settingsPages(m: AppManifest): SettingsPage[] {
  const ids = `${appUuid(m)}/${LOCAL_ENVIRONMENT.id}`;
  const jiraAdmin = modulesOf(m, 'jira:adminPage');
  const configure = jiraAdmin.find((u) => u.raw.useAsConfig === true);
  const sidebar = jiraAdmin.find((u) => u.raw.useAsConfig !== true);
  return [
    ...(configure ? [{ module: configure, product: 'Jira' as const, url: `/jira/settings/apps/configure/${ids}`, audience: 'site-admins' as const }] : []),
    ...(sidebar ? [{ module: sidebar, product: 'Jira' as const, url: `/jira/settings/apps/${ids}`, audience: 'site-admins' as const }] : []),
    ...modulesOf(m, 'confluence:globalSettings').map((u) => ({ module: u, product: 'Confluence' as const, url: `/wiki/admin/forge/apps/${ids}/${u.key}`, audience: 'site-admins' as const })),
    ...modulesOf(m, 'jira:personalSettingsPage').slice(0, 1).map((u) => ({ module: u, product: 'Jira' as const, url: `/jira/settings/personal/apps/${ids}`, audience: 'logged-in' as const })),
    // "You can only register a single jira:globalPage module per app"; its URL is /jira/apps/{appId}/{envId} (manifest-reference/modules/jira-global-page).
    ...modulesOf(m, 'jira:globalPage').slice(0, 1).map((u) => ({ module: u, product: 'Jira' as const, url: `/jira/apps/${ids}`, audience: 'logged-in' as const })),
  ];
}

/** jira:projectSettingsPage: `/jira/software/projects/{projectKey}/settings/apps/{appId}/{envId}`. */
export const projectSettingsUrl = (m: AppManifest, projectKey: string) => `/jira/software/projects/${encodeURIComponent(projectKey)}/settings/apps/${appUuid(m)}/${LOCAL_ENVIRONMENT.id}`;

const mayOpen = (audience: SettingsPage['audience'], user: AtlassianUser | undefined) => (audience === 'site-admins' ? !!user?.admin : !!user);

function chrome(d: PageDeps, user: AtlassianUser | undefined, product: Chrome['product'], title: string): Chrome {
  const adminPage = settingsPages(d.manifest).find((p) => p.audience === 'site-admins');
  return {
    product,
    title,
    user,
    users: d.site.fixture.users.map((u) => ({ ...u, closed: d.accounts.isClosed(u.accountId) })),
    cdnOrigin: d.cdnOrigin,
    context: productContext(d, user),
    settingsUrl: user?.admin && adminPage ? adminPage.url : undefined,
    microsoftHosts: Object.fromEntries((d.microsoftHosts ?? []).map((h) => [h.production, h.local])),
  };
}

const whoFor = (user: AtlassianUser | undefined): Who => (user ? { kind: 'user', user } : { kind: 'anonymous' });

/** Issues shown per project on the start page; a load-test project can hold 50,000. */
const INDEX_ISSUES_PER_PROJECT = 10;

/** The pages the visitor may view, by space. */
function confluenceIndex(d: PageDeps, user: AtlassianUser | undefined): Html {
  const c = d.site.confluence;
  const spaces = c.spaces().filter((s) => c.canView(whoFor(user), s));
  return html`<h2>Confluence</h2>${spaces.map((s) => html`<h3>${s.name} (${s.key})</h3><ul>${c.pages().filter((p) => p.spaceKey === s.key && c.readRestrictionAdmits(whoFor(user), p)).map((p) => html`<li><a href="/wiki/spaces/${p.spaceKey}/pages/${p.id}">${p.title}</a></li>`)}</ul>`)}`;
}

/** The projects and issues the visitor may browse (the first few of each project). */
function jiraIndex(d: PageDeps, user: AtlassianUser | undefined): Html {
  const who = whoFor(user);
  const projects = d.site.jira.projects().map((p) => ({ p, issues: p.issues.filter((i) => d.site.jira.visible(who, i)) })).filter((x) => x.issues.length || projectPermission(who, x.p, 'BROWSE_PROJECTS'));
  return html`<h2>Jira</h2>${projects.map(({ p, issues }) => html`<h3>${p.name} (${p.key})</h3><ul>${issues.slice(0, INDEX_ISSUES_PER_PROJECT).map((i) => html`<li><a href="/browse/${i.key}">${i.key}: ${i.summary}</a></li>`)}${issues.length > INDEX_ISSUES_PER_PROJECT ? html`<li>… and ${issues.length - INDEX_ISSUES_PER_PROJECT} more</li>` : ''}</ul>`)}`;
}

/** What a first visitor can do in a minute: the demo accounts and the places to try, with addresses to paste. */
function tryThis(d: PageDeps, user: AtlassianUser | undefined): Html {
  const macros = modulesOf(d.manifest, 'macro').map((m) => m.title);
  // Only what this visitor may open, as the lists above: an anonymous visitor is offered neither.
  const shown = d.site.page('65601');
  const page = user && shown && d.site.confluence.canViewPage(whoFor(user), shown) ? shown : undefined;
  const found = d.site.issue('DEMO-1');
  const issue = found && d.site.jira.visible(whoFor(user), found) ? found : undefined;
  const sp = 'https://contoso.sharepoint.com/sites/phoenix';
  const paste: Array<[string, string]> = [
    [`${sp}/Lists/Tasks/AllItems.aspx`, 'a list'],
    [`${sp}/Lists/BigList/AllItems.aspx`, 'the 10,000-item list: above SharePoint\'s 5,000-item threshold; search "Record 05000", sort by Category'],
    [`${sp}/Shared Documents/Forms/AllItems.aspx`, 'a document library'],
    [`${sp}/Shared Documents/Specs/Vendor contract.pdf`, 'one document'],
  ];
  return html`<h2>Try this</h2><ol class="try-this">
${issue ? html`<li><a href="/browse/${issue.key}">Open ${issue.key}</a> and connect Microsoft 365 in its panel.</li>` : ''}
${page ? html`<li><a href="/wiki/spaces/${page.spaceKey}/pages/${page.id}?mode=edit">Edit the page “${page.title}”</a> and insert a macro (${macros.join(', ')}); paste one of these addresses in its settings:<ul>${paste.map(([url, what]) => html`<li><code>${url}</code> — ${what}</li>`)}</ul></li>` : ''}
<li>Add <code>?as=gina</code> to any address to see it as Gina, a Fabrikam guest SharePoint shows less to; <code>?as=anonymous</code> for a visitor who is not logged in.</li>
</ol>
<h2>Demo accounts</h2><p>Nobody is logged in until you pick one: follow its link, use the picker at the top right, or add <code>?as=</code> to any address. Each has the Microsoft 365 account of the same e-mail address; on the emulated Microsoft sign-in page pick it, no password is asked.</p>
<table class="demo-accounts"><thead><tr><th scope="col">Account</th><th scope="col">E-mail</th><th scope="col">Log in with</th></tr></thead><tbody>${d.site.fixture.users.map((u) => html`<tr><td>${u.displayName}${u.admin ? ' (site admin)' : ''}</td><td>${u.email}</td><td><a href="/?as=${u.key}">?as=${u.key}</a></td></tr>`)}</tbody></table>`;
}

export function indexPage(d: PageDeps, user: AtlassianUser | undefined): string {
  const fx = d.site.fixture;
  const settings = settingsPages(d.manifest).filter((p) => mayOpen(p.audience, user));
  const projectSettings = user?.admin && modulesOf(d.manifest, 'jira:projectSettingsPage').length ? fx.jira.projects : [];
  const appsSettings = settings.length || projectSettings.length
    ? html`<h2>Apps settings</h2><ul>${settings.map((p) => html`<li><a href="${p.url}">${p.product}: ${p.module.title}</a></li>`)}${projectSettings.map((p) => html`<li><a href="${projectSettingsUrl(d.manifest, p.key)}">Jira project ${p.key}: settings</a></li>`)}</ul>`
    : '';
  return layout(
    chrome(d, user, 'Local Forge host', 'Demo tenant'),
    html`<h1>Microsoft 365 for Jira and Confluence — local demo</h1>
<p>The app runs here unmodified, against an emulated Atlassian site and Microsoft 365 tenant. Pick a user at the top right, then open a page.</p>
${confluenceIndex(d, user)}
${jiraIndex(d, user)}
${appsSettings}
${tryThis(d, user)}`,
  );
}

/**
 * A settings page's product frame, or the product's refusal: the page is only rendered — iframe
 * and all — for users the product shows it to.
 */
export function settingsPage(d: PageDeps, user: AtlassianUser | undefined, page: { module: UiModule; product: 'Jira' | 'Confluence'; audience: SettingsPage['audience']; crumbs: string; extension: Record<string, unknown> }): { status: 200 | 403; html: string } {
  const m = page.module;
  if (!mayOpen(page.audience, user)) {
    const why = page.audience === 'site-admins' ? 'Only site administrators can open this page.' : 'Log in to open this page.';
    return { status: 403, html: layout(chrome(d, user, page.product, 'No permission'), html`<article class="no-permission"><h1>You don't have permission to view this page</h1><p>${why}</p></article>`) };
  }
  const frame: Html = extensionFrame({ moduleKey: m.key, resourceKey: m.resource, title: m.title, localId: m.key, extension: page.extension, app: appOf(d, m) }, d.cdnOrigin);
  return {
    status: 200,
    html: layout(chrome(d, user, page.product, m.title), html`<article class="settings-page"><nav class="crumbs">${page.crumbs}</nav><h1>${m.title}</h1>${frame}</article>`),
  };
}

/**
 * The product's answer for an issue or page the visitor may not see, or that does not exist (the same answer, so
 * it does not tell which): 404, no app frame. An anonymous visitor is also asked to log in — the layout's banner
 * offers the demo accounts — as Jira and Confluence Cloud send a visitor who is not logged in to their log-in page
 * (dev/host/README.md, "Product pages for anonymous visitors").
 */
export function refusalPage(d: PageDeps, user: AtlassianUser | undefined, product: 'Jira' | 'Confluence'): string {
  const title = product === 'Jira' ? 'Issue does not exist' : 'Page not found';
  const why = product === 'Jira' ? 'This issue does not exist, or you do not have permission to see it.' : 'This page does not exist, or you do not have permission to view it.';
  return layout(
    chrome(d, user, product, title),
    html`<article class="no-permission"><h1>${title}</h1><p>${why}</p>${user ? '' : html`<p>You are not logged in: log in to see it if you have access.</p>`}</article>`,
  );
}

export function confluencePage(d: PageDeps, user: AtlassianUser | undefined, pageId: string, editing: boolean): string | undefined {
  const page = d.site.page(pageId);
  if (!page) return undefined;
  // Whoever may not view the page — its space's view permission (anonymous visitors only where the space grants
  // anonymous access), its read restriction — gets the product's refusal and no app frame (refusalPage).
  if (!d.site.confluence.canViewPage(whoFor(user), page)) return undefined;
  const base = { content: { id: page.id, type: 'page' }, space: { key: page.spaceKey } };
  const bylines = modulesOf(d.manifest, 'confluence:contentBylineItem').filter((m) => moduleAllows(m, accountTypeFor(user, 'confluence'))).map((m) => {
    const frame = extensionFrame({ moduleKey: m.key, resourceKey: m.resource, title: m.title, localId: `${m.key}-${page.id}`, extension: { type: 'confluence:contentBylineItem', ...base }, app: appOf(d, m) }, d.cdnOrigin, { lazy: true });
    return html`<span class="byline-item"><button type="button" class="byline-toggle" aria-expanded="false">${m.title}</button><div class="byline-popup" hidden>${frame}</div></span>`;
  });
  const macroModules = new Map(modulesOf(d.manifest, 'macro').map((m) => [m.key, m]));
  const placed = d.pages.macros(page.id).map((placed) => {
    const m = macroModules.get(placed.moduleKey);
    if (!m) return html`<div class="macro macro-missing">Unknown macro ${placed.moduleKey}</div>`;
    if (!moduleAllows(m, accountTypeFor(user, 'confluence'))) return '';
    const frame = extensionFrame({ moduleKey: m.key, resourceKey: m.resource, title: m.title, localId: placed.localId, extension: { type: 'macro', ...base, config: placed.config, isEditing: editing }, app: appOf(d, m) }, d.cdnOrigin);
    const tools = editing
      ? html`<div class="macro-tools"><span class="macro-name">${m.title}</span>${m.configResource ? html`<button type="button" data-macro-edit="${placed.localId}" data-module="${m.key}">Edit ${m.title}</button>` : ''}<button type="button" data-macro-remove="${placed.localId}">Remove ${m.title}</button></div>`
      : '';
    return html`<div class="macro" data-local-id="${placed.localId}" data-config="${JSON.stringify(placed.config)}">${tools}${frame}</div>`;
  });
  const configDialogs = [...macroModules.values()].filter((m): m is UiModule & { configResource: string } => !!m.configResource).map(
    (m) => html`<template data-config-frame="${m.key}">${extensionFrame({ moduleKey: m.key, resourceKey: m.configResource, title: `${m.title} settings`, localId: '', extension: { type: 'macro', ...base }, app: appOf(d, m) }, d.cdnOrigin, { lazy: true })}</template>`,
  );
  const toolbar = editing
    ? html`<div class="editor-toolbar" role="toolbar" aria-label="Editor"><span>Editing</span>${[...macroModules.values()].map((m) => html`<button type="button" data-macro-insert="${m.key}">Insert ${m.title}</button>`)}<a class="button" href="/wiki/spaces/${page.spaceKey}/pages/${page.id}">Publish</a></div>`
    : user
      ? html`<a class="button edit-page" href="/wiki/spaces/${page.spaceKey}/pages/${page.id}?mode=edit">Edit</a>`
      : '';
  return layout(
    chrome(d, user, 'Confluence', page.title),
    html`<article class="confluence-page${editing ? ' editing' : ''}" data-page-id="${page.id}"><nav class="crumbs">Spaces / ${page.spaceKey}</nav>${toolbar}<h1>${page.title}</h1>
<div class="byline">Owned by ${d.site.fixture.users[0]?.displayName ?? ''} ${bylines}</div>
<div class="page-body">${raw(page.body)}${placed}</div></article>
<dialog class="macro-config" aria-labelledby="macro-config-title"><h2 id="macro-config-title" class="dialog-title">Macro settings</h2><div class="dialog-body"></div><span class="focus-wrap" tabindex="0"></span></dialog>${configDialogs}`,
  );
}

export function jiraIssuePage(d: PageDeps, user: AtlassianUser | undefined, issueKey: string): string | undefined {
  const issue = d.site.issue(issueKey);
  if (!issue) return undefined;
  // As for pages: whoever may not browse the issue (anonymous visitors only in a project whose Browse Projects
  // permission is granted to the public) gets "Issue does not exist", and no app frame.
  if (!d.site.jira.visible(whoFor(user), issue)) return undefined;
  const panels = modulesOf(d.manifest, 'jira:issuePanel').filter((m) => moduleAllows(m, accountTypeFor(user, 'jira'))).map(
    (m) => html`<section class="issue-panel"><h2>${m.title}</h2>${extensionFrame(
      { moduleKey: m.key, resourceKey: m.resource, title: m.title, localId: `${m.key}-${issue.id}`, extension: { type: 'jira:issuePanel', issue: { id: issue.id, key: issue.key, type: 'Task' }, project: { key: issue.projectKey } }, app: appOf(d, m) },
      d.cdnOrigin,
    )}</section>`,
  );
  const person = (accountId: string | null) => (accountId ? (d.site.userById(accountId)?.displayName ?? accountId) : 'Unassigned');
  const project = d.site.jira.projectOf(issue);
  const level = issue.securityLevelId ? project.securityLevels.find((l) => l.id === issue.securityLevelId) : undefined;
  const startDate = issue.custom.customfield_10015;
  return layout(
    chrome(d, user, 'Jira', `${issue.key}: ${issue.summary}`),
    html`<article class="jira-issue"><nav class="crumbs">Projects / ${project.name} / ${issue.key}</nav><h1>${issue.summary}</h1>
<div class="issue-grid"><div><h2>Description</h2><p>${issue.description}</p>${panels}</div>
<aside><dl><dt>Status</dt><dd>${statusById(issue.statusId).name}</dd><dt>Priority</dt><dd>${priorityById(issue.priorityId).name}</dd><dt>Assignee</dt><dd>${person(issue.assignee)}</dd><dt>Reporter</dt><dd>${person(issue.reporter)}</dd>${issue.duedate !== null ? html`<dt>Due date</dt><dd>${isoDay(issue.duedate)}</dd>` : ''}${startDate !== undefined && startDate !== null ? html`<dt>Start date</dt><dd>${isoDay(startDate)}</dd>` : ''}${issue.labels.length ? html`<dt>Labels</dt><dd>${issue.labels.join(', ')}</dd>` : ''}${level ? html`<dt>Security level</dt><dd>${level.name}</dd>` : ''}</dl></aside></div></article>`,
  );
}
