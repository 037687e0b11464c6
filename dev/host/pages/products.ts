import type { AppManifest, UiModule } from '../manifest';
import type { PageStore } from '../products/page-store';
import type { AtlassianUser, SiteDirectory } from '../products/site';
import { html, raw } from './html';
import { extensionFrame, layout } from './layout';

interface PageDeps {
  manifest: AppManifest;
  site: SiteDirectory;
  cdnOrigin: string;
  pages: PageStore;
}

const productContext = (d: PageDeps, user: AtlassianUser | undefined) => ({
  cloudId: d.site.fixture.cloudId,
  siteUrl: d.site.fixture.siteUrl,
  environmentType: 'DEVELOPMENT',
  ...(user ? { accountId: user.accountId } : {}),
});

const modulesOf = (m: AppManifest, type: string) => [...m.uiModules.values()].filter((u) => u.type === type);

export function indexPage(d: PageDeps, user: AtlassianUser | undefined): string {
  const fx = d.site.fixture;
  return layout(
    { product: 'Local Forge host', title: 'Demo tenant', user, users: fx.users, cdnOrigin: d.cdnOrigin, context: productContext(d, user) },
    html`<h1>Microsoft 365 for Jira and Confluence — local demo</h1>
<p>The app runs here unmodified, against an emulated Atlassian site and Microsoft 365 tenant. Pick a user at the top right, then open a page.</p>
<h2>Confluence</h2><ul>${fx.confluence.pages.map((p) => html`<li><a href="/wiki/spaces/${p.spaceKey}/pages/${p.id}">${p.title}</a></li>`)}</ul>
<h2>Jira</h2><ul>${fx.jira.issues.map((i) => html`<li><a href="/browse/${i.key}">${i.key}: ${i.summary}</a></li>`)}</ul>
<h2>Microsoft 365 demo accounts</h2><p>Sign in with any of the demo tenant's accounts on the emulated Microsoft sign-in page; no password is asked.</p>`,
  );
}

export function confluencePage(d: PageDeps, user: AtlassianUser | undefined, pageId: string, editing: boolean): string | undefined {
  const page = d.site.fixture.confluence.pages.find((p) => p.id === pageId);
  if (!page) return undefined;
  const base = { content: { id: page.id, type: 'page' }, space: { key: page.spaceKey } };
  const bylines = modulesOf(d.manifest, 'confluence:contentBylineItem').map((m) => {
    const frame = extensionFrame({ moduleKey: m.key, resourceKey: m.resource, title: m.title, localId: `${m.key}-${page.id}`, extension: { type: 'confluence:contentBylineItem', ...base } }, d.cdnOrigin, { lazy: true });
    return html`<span class="byline-item"><button type="button" class="byline-toggle" aria-expanded="false">${m.title}</button><div class="byline-popup" hidden>${frame}</div></span>`;
  });
  const macroModules = new Map(modulesOf(d.manifest, 'macro').map((m) => [m.key, m]));
  const placed = d.pages.macros(page.id).map((placed) => {
    const m = macroModules.get(placed.moduleKey);
    if (!m) return html`<div class="macro macro-missing">Unknown macro ${placed.moduleKey}</div>`;
    const frame = extensionFrame({ moduleKey: m.key, resourceKey: m.resource, title: m.title, localId: placed.localId, extension: { type: 'macro', ...base, config: placed.config, isEditing: editing } }, d.cdnOrigin);
    const tools = editing
      ? html`<div class="macro-tools"><span class="macro-name">${m.title}</span>${m.configResource ? html`<button type="button" data-macro-edit="${placed.localId}" data-module="${m.key}">Edit ${m.title}</button>` : ''}<button type="button" data-macro-remove="${placed.localId}">Remove ${m.title}</button></div>`
      : '';
    return html`<div class="macro" data-local-id="${placed.localId}" data-config="${JSON.stringify(placed.config)}">${tools}${frame}</div>`;
  });
  const configDialogs = [...macroModules.values()].filter((m): m is UiModule & { configResource: string } => !!m.configResource).map(
    (m) => html`<template data-config-frame="${m.key}">${extensionFrame({ moduleKey: m.key, resourceKey: m.configResource, title: `${m.title} settings`, localId: '', extension: { type: 'macro', ...base } }, d.cdnOrigin, { lazy: true })}</template>`,
  );
  const toolbar = editing
    ? html`<div class="editor-toolbar" role="toolbar" aria-label="Editor"><span>Editing</span>${[...macroModules.values()].map((m) => html`<button type="button" data-macro-insert="${m.key}">Insert ${m.title}</button>`)}<a class="button" href="/wiki/spaces/${page.spaceKey}/pages/${page.id}">Publish</a></div>`
    : user
      ? html`<a class="button edit-page" href="/wiki/spaces/${page.spaceKey}/pages/${page.id}?mode=edit">Edit</a>`
      : '';
  return layout(
    { product: 'Confluence', title: page.title, user, users: d.site.fixture.users, cdnOrigin: d.cdnOrigin, context: productContext(d, user) },
    html`<article class="confluence-page${editing ? ' editing' : ''}" data-page-id="${page.id}"><nav class="crumbs">Spaces / ${page.spaceKey}</nav>${toolbar}<h1>${page.title}</h1>
<div class="byline">Owned by ${d.site.fixture.users[0]?.displayName ?? ''} ${bylines}</div>
<div class="page-body">${raw(page.body)}${placed}</div></article>
<dialog class="macro-config" aria-label="Macro settings"><div class="dialog-body"></div><button type="button" class="dialog-close">Close</button></dialog>${configDialogs}`,
  );
}

export function jiraIssuePage(d: PageDeps, user: AtlassianUser | undefined, issueKey: string): string | undefined {
  const issue = d.site.issue(issueKey);
  if (!issue) return undefined;
  const panels = modulesOf(d.manifest, 'jira:issuePanel').map(
    (m) => html`<section class="issue-panel"><h2>${m.title}</h2>${extensionFrame(
      { moduleKey: m.key, resourceKey: m.resource, title: m.title, localId: `${m.key}-${issue.id}`, extension: { type: 'jira:issuePanel', issue: { id: issue.id, key: issue.key, type: 'Task' }, project: { key: issue.projectKey } } },
      d.cdnOrigin,
    )}</section>`,
  );
  const person = (k?: string) => (k ? d.site.userByKey(k)?.displayName ?? k : 'Unassigned');
  return layout(
    { product: 'Jira', title: `${issue.key}: ${issue.summary}`, user, users: d.site.fixture.users, cdnOrigin: d.cdnOrigin, context: productContext(d, user) },
    html`<article class="jira-issue"><nav class="crumbs">Projects / ${issue.projectKey} / ${issue.key}</nav><h1>${issue.summary}</h1>
<div class="issue-grid"><div><h2>Description</h2><p>${issue.description}</p>${panels}</div>
<aside><dl><dt>Status</dt><dd>${issue.status}</dd><dt>Assignee</dt><dd>${person(issue.assignee)}</dd><dt>Reporter</dt><dd>${person(issue.reporter)}</dd></dl></aside></div></article>`,
  );
}
