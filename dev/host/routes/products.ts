import { Hono } from 'hono';
import { appUuid, type AppManifest } from '../manifest';
import { LOCAL_ENVIRONMENT } from '../installation';
import type { AccountStates } from '../products/accounts';
import type { PageStore } from '../products/page-store';
import type { SiteDirectory } from '../products/site';
import type { AtlassianUser } from '../products/tenant';
import type { CurrentUser } from '../session';
import type { ServedHost } from '../egress';
import { confluencePage, indexPage, jiraIssuePage, refusalPage, settingsPage, settingsPages } from '../pages/products';

export interface ProductRoutesDeps {
  manifest: AppManifest;
  site: SiteDirectory;
  accounts: AccountStates;
  cdnOrigin: string;
  pages: PageStore;
  currentUser: CurrentUser;
  /** The Microsoft hosts served locally: links the app opens to them reach the local origin (assets/host-bridge.js). */
  microsoftHosts?: ServedHost[];
}

/** Jira and Confluence as a user meets them: the start page, issues, pages with macros, settings pages. */
export function productRoutes(d: ProductRoutesDeps): Hono {
  const app = new Hono();
  const pageDeps = { manifest: d.manifest, site: d.site, accounts: d.accounts, cdnOrigin: d.cdnOrigin, pages: d.pages, microsoftHosts: d.microsoftHosts };
  const { currentUser } = d;

  app.get('/', (c) => c.html(indexPage(pageDeps, currentUser(c, true))));
  app.get('/wiki/spaces/:space/pages/:id/:slug{.+}', (c) => c.redirect(`/wiki/spaces/${c.req.param('space')}/pages/${c.req.param('id')}`));
  app.get('/wiki/spaces/:space/pages/:id', (c) => {
    const user = currentUser(c, true);
    const page = confluencePage(pageDeps, user, c.req.param('id'), c.req.query('mode') === 'edit' && !!user);
    return page ? c.html(page) : c.html(refusalPage(pageDeps, user, 'Confluence'), 404);
  });
  // The editor's saves: only a logged-in user may change a page, and only with macros the app declares.
  // A page the editor may not view (its space, its read restriction) is as missing to them as one that does not exist.
  const editable = (user: AtlassianUser, id: string) => {
    const page = d.site.page(id);
    return !!page && d.site.confluence.canViewPage({ kind: 'user', user }, page);
  };
  app.post('/__host/pages/:id/macros', async (c) => {
    const user = currentUser(c, false);
    if (!user) return c.json({ error: 'Log in to edit this page.' }, 401);
    if (!editable(user, c.req.param('id'))) return c.json({ error: 'Page not found.' }, 404);
    const body = (await c.req.json().catch(() => null)) as { moduleKey?: unknown; localId?: unknown; config?: unknown } | null;
    const mod = typeof body?.moduleKey === 'string' ? d.manifest.uiModules.get(body.moduleKey) : undefined;
    if (!body || mod?.type !== 'macro' || typeof body.localId !== 'string') return c.json({ error: 'Unknown macro.' }, 400);
    const error = d.pages.put(c.req.param('id'), { moduleKey: mod.key, localId: body.localId, config: body.config as Record<string, unknown> });
    return error ? c.json({ error }, 400) : c.json({ ok: true });
  });
  app.delete('/__host/pages/:id/macros/:localId', (c) => {
    const user = currentUser(c, false);
    if (!user) return c.json({ error: 'Log in to edit this page.' }, 401);
    if (!editable(user, c.req.param('id'))) return c.json({ error: 'Page not found.' }, 404);
    d.pages.remove(c.req.param('id'), c.req.param('localId'));
    return c.json({ ok: true });
  });
  app.get('/browse/:key', (c) => {
    const user = currentUser(c, true);
    const page = jiraIssuePage(pageDeps, user, c.req.param('key'));
    return page ? c.html(page) : c.html(refusalPage(pageDeps, user, 'Jira'), 404);
  });

  // Settings pages, each at the one URL its product gives it; the extension context is the module type only.
  for (const page of settingsPages(d.manifest)) {
    const crumbs = page.product === 'Confluence' ? 'Confluence administration / Apps' : page.module.type === 'jira:globalPage' ? 'Apps' : page.audience === 'logged-in' ? 'Personal settings / Apps' : 'Jira settings / Apps';
    app.get(page.url, (c) => {
      const out = settingsPage(pageDeps, currentUser(c, true), { ...page, crumbs, extension: { type: page.module.type } });
      return c.html(out.html, out.status);
    });
  }
  const projectSettings = [...d.manifest.uiModules.values()].find((m) => m.type === 'jira:projectSettingsPage');
  if (projectSettings) {
    app.get(`/jira/software/projects/:projectKey/settings/apps/${appUuid(d.manifest)}/${LOCAL_ENVIRONMENT.id}`, (c) => {
      const project = d.site.fixture.jira.projects.find((p) => p.key === c.req.param('projectKey'));
      if (!project) return c.html('<h1>Project not found</h1>', 404);
      // The fixture has no project roles: site admins stand in for the project's administrators.
      const out = settingsPage(pageDeps, currentUser(c, true), {
        module: projectSettings,
        product: 'Jira',
        audience: 'site-admins',
        crumbs: `Projects / ${project.key} / Project settings / Apps`,
        extension: { type: projectSettings.type, project: { id: project.id, key: project.key, type: 'software' } },
      });
      return c.html(out.html, out.status);
    });
  }
  return app;
}
