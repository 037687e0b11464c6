import { fixtureInstant } from '../dates';
import type { Directory, Grant, PageFixture } from '../tenant';
import { APP_ACCOUNT_ID, type Who } from '../jira/permissions';

export interface Space {
  key: string;
  id: string;
  name: string;
  view: Grant[];
}

export interface Page extends PageFixture {
  authorId: string | null;
  createdAt: number;
}

/** Confluence's spaces and pages, who may view a space, and the pages' read restrictions. */
export function confluenceSite(dir: Directory) {
  const fx = dir.fixture.confluence;
  let spaces: Space[] = [];
  let pages: Page[] = [];
  const load = () => {
    const now = dir.now();
    spaces = fx.spaces.map((s) => ({ key: s.key, id: s.id, name: s.name, view: s.view ?? [{ type: 'group', group: 'confluence-users' }] }));
    pages = fx.pages.map((p) => ({ ...p, authorId: (p.author && (dir.userByKey(p.author) ?? dir.userById(p.author))?.accountId) || null, createdAt: fixtureInstant(p.created ?? 'now', now) }));
  };
  load();
  const space = (keyOrId: string) => spaces.find((s) => s.key === keyOrId || s.id === keyOrId);
  const site = {
    spaces: () => spaces,
    space,
    page: (id: string) => pages.find((p) => p.id === id),
    pages: () => pages,
    /**
     * Space view permission: `anyone` admits anonymous visitors, a group its members. The app can
     * read every space (the host's reading; Confluence grants apps space access at install).
     */
    canView(who: Who, s: Space): boolean {
      if (who.kind === 'app') return true;
      return s.view.some((g) => {
        if (g.type === 'anyone') return true;
        if (who.kind !== 'user') return false;
        if (g.type === 'group') return who.user.groups.includes(g.group);
        if (g.type === 'user') return who.user.key === g.user || who.user.accountId === g.user;
        if (g.type === 'applicationRole') return who.user.admin || who.user.groups.includes('confluence-users');
        return false;
      });
    },
    /**
     * Whether a page's read restriction admits the caller: no read restriction admits everyone the space
     * does; otherwise only the users and the members of the groups it lists. Nobody else passes — not an
     * anonymous visitor, not a site admin who is not listed, not the app unless its own user is listed.
     * Sources: products/README.md, "Page restrictions".
     */
    readRestrictionAdmits(who: Who, p: Page): boolean {
      const read = p.restrictions?.read;
      const users = read?.users ?? [];
      const groups = read?.groups ?? [];
      if (users.length === 0 && groups.length === 0) return true;
      if (who.kind === 'anonymous') return false;
      if (who.kind === 'app') return users.includes('app') || users.includes(APP_ACCOUNT_ID);
      return users.includes(who.user.key) || users.includes(who.user.accountId) || groups.some((g) => who.user.groups.includes(g));
    },
    /** Confluence's "permission to view the page and its corresponding space": both must admit the caller. */
    canViewPage(who: Who, p: Page): boolean {
      const s = space(p.spaceKey);
      return !!s && site.canView(who, s) && site.readRestrictionAdmits(who, p);
    },
    reset: load,
  };
  return site;
}

export type ConfluenceSite = ReturnType<typeof confluenceSite>;
