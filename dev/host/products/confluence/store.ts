import { fixtureInstant } from '../dates';
import type { Directory, Grant, PageFixture } from '../site';
import type { Who } from '../jira/permissions';

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

/** Confluence's spaces and pages, and who may view a space. */
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
  return {
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
    reset: load,
  };
}

export type ConfluenceSite = ReturnType<typeof confluenceSite>;
