import type { ItemFixture, ListFixture, MicrosoftFixture, SharingLinkFixture, SiteFixture } from '../fixture';
import { accessOf, unionAccess } from './access';
import { buildColumns } from './columns';
import type { Directory } from './directory';
import { generateItems } from './generate';
import { driveItemId, isoSeconds, resolveWhen, stableGuid } from './ids';
import { buildLibrary } from './library';
import {
  type BuildContext, type Drive, type DriveItem, encodePath, type ListItem, type SharePoint, sharingKey, type SharingLink, type Site,
  type SpList, systemFields, trimPath,
} from './sharepoint';
import { userInformationList } from './user-info';

const GRAPH_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

export const buildSharePoint = (fx: MicrosoftFixture, dir: Directory, startDay: number): SharePoint => {
  const userLookupIds = new Map(fx.users.map((u, i) => [u.key, 6 + i]));
  const sites = fx.sites.map((s) => buildSite(s, fx, dir, startDay, userLookupIds));
  const drives = new Map<string, Drive>();
  const byUniqueId = new Map<string, DriveItem>();
  for (const d of sites.flatMap((s) => s.lists).flatMap((l) => (l.drive ? [l.drive] : []))) {
    drives.set(d.id, d);
    for (const item of d.byId.values()) byUniqueId.set(item.uniqueId.toLowerCase(), item);
  }
  const sharingLinks = (fx.sharingLinks ?? []).map((l) => buildSharingLink(l, sites));
  const linksByKey = new Map(sharingLinks.map((l) => [l.key, l]));
  return {
    sites,
    sharingLinks,
    sharingLink: (url) => linksByKey.get(sharingKey(url)),
    resetRedemptions: () => {
      for (const l of sharingLinks) delete l.item.redeemedBy;
    },
    siteById: (id) => {
      const parts = id.toLowerCase().split(',');
      return sites.find((s) => parts.length === 3
        ? s.id.toLowerCase() === id.toLowerCase()
        : parts.length === 2 && s.collectionId === parts[0] && s.webId === parts[1]);
    },
    siteByPath: (hostname, path) => {
      const p = ('/' + path.replace(/^\/+|\/+$/g, '')).toLowerCase();
      return sites.find((s) => s.hostname.toLowerCase() === hostname.toLowerCase() && s.path.toLowerCase() === p);
    },
    rootSite: (tenantId) => sites.find((s) => s.tenant.id === tenantId && s.path === '/'),
    drive: (id) => drives.get(id),
    driveItemByUniqueId: (uid) => byUniqueId.get(uid.toLowerCase()),
  };
};

const LINK_GRANTEES: Record<SharingLinkFixture['scope'], (l: SharingLinkFixture) => string[]> = {
  organization: () => ['members'],
  users: (l) => l.users ?? [],
  anonymous: () => ['everyone'],
  existingAccess: () => [],
};

const buildSharingLink = (l: SharingLinkFixture, sites: Site[]): SharingLink => {
  const site = sites.find((s) => s.key === l.site);
  const list = site?.lists.find((x) => x.name === l.list);
  const item = list?.drive?.byId.get(driveItemId(list.id, trimPath(l.path)));
  if (!item) throw new Error(`Sharing link ${l.url}: no file '${l.path}' in '${l.list}' of site '${l.site}'`);
  const url = new URL(l.url);
  if (url.hostname.toLowerCase() !== item.drive.list.site.hostname.toLowerCase()) {
    throw new Error(`Sharing link ${l.url}: not on the site's host ${item.drive.list.site.hostname}`);
  }
  return {
    url: l.url, key: sharingKey(url), item, scope: l.scope, type: l.type ?? 'view', access: accessOf(LINK_GRANTEES[l.scope](l)),
  };
};

const buildSite = (
  sf: SiteFixture, fx: MicrosoftFixture, dir: Directory, startDay: number, userLookupIds: Map<string, number>,
): Site => {
  const tenant = dir.tenants.find((t) => t.key === sf.tenant);
  if (!tenant?.sharePointHost) throw new Error(`Site ${sf.path}: tenant '${sf.tenant}' has no SharePoint host`);
  const hostname = tenant.sharePointHost;
  const created = isoSeconds(resolveWhen(sf.created ?? '2023-01-10T09:00:00Z', startDay));
  const readers = accessOf([...sf.owners, ...sf.members, ...(sf.visitors ?? [])]);
  const site: Site = {
    key: sf.key, tenant, hostname, path: sf.path,
    id: `${hostname},${sf.id},${sf.webId}`, collectionId: sf.id.toLowerCase(), webId: sf.webId.toLowerCase(),
    name: sf.path === '/' ? '' : sf.path.split('/').pop() ?? '',
    displayName: sf.displayName, description: sf.description ?? '',
    webUrl: `https://${hostname}${sf.path === '/' ? '' : encodePath(sf.path)}`,
    created, owners: new Set(sf.owners), readers, reach: readers, lists: [],
    userLookupIds: new Map(fx.users.filter((u) => dir.in(tenant.id, u.key)).map((u) => [u.key, userLookupIds.get(u.key) ?? 0])),
  };
  const ctx: BuildContext = {
    site,
    // Generated entries already carry Graph-formatted instants; parsing 30,000 of them again is waste.
    when: (w, fallback) => (w === undefined ? fallback : GRAPH_INSTANT.test(w) ? w : isoSeconds(resolveWhen(w, startDay))),
    defaultAuthor: sf.owners.find((o) => o !== 'members' && o !== 'everyone') ?? fx.users[0]?.key ?? '',
    uniques: [],
  };
  for (const lf of sf.lists) site.lists.push(buildList(lf, ctx));
  site.lists.push(userInformationList(site, dir));
  site.reach = unionAccess([readers, ...ctx.uniques]);
  return site;
};

const buildList = (lf: ListFixture, ctx: BuildContext): SpList => {
  const { site } = ctx;
  const created = ctx.when(lf.created, site.created);
  const access = lf.readers ? accessOf(lf.readers) : site.readers;
  if (lf.readers) ctx.uniques.push(access);
  const columns = buildColumns(lf.id, lf.template, lf.columns ?? []);
  for (const c of columns) {
    const spec = lf.columns?.find((x) => x.name === c.name)?.lookup;
    if (!spec) continue;
    const target = site.lists.find((l) => l.name === spec.list || l.displayName === spec.list);
    if (!target) throw new Error(`List ${lf.displayName}: lookup target '${spec.list}' must come earlier in the site`);
    c.lookup = { listId: target.id, column: spec.column, listName: target.name };
  }
  const list: SpList = {
    site, id: lf.id.toLowerCase(), name: lf.name, displayName: lf.displayName, template: lf.template,
    hidden: lf.hidden ?? false, system: false, description: lf.description ?? '',
    webUrl: `${site.webUrl}/${lf.template === 'genericList' ? 'Lists/' : ''}${encodeURIComponent(lf.name)}`,
    created, modified: created, access, columns, items: [], itemsById: new Map(), index: new Map(),
  };
  if (lf.template === 'genericList') addGenericItems(list, lf, ctx);
  else buildLibrary(list, lf, ctx);
  list.items.sort((a, b) => a.id - b.id);
  for (const it of list.items) {
    list.itemsById.set(it.id, it);
    if (it.modified > list.modified) list.modified = it.modified;
  }
  buildIndexes(list);
  return list;
};

const addGenericItems = (list: SpList, lf: ListFixture, ctx: BuildContext): void => {
  const explicit = lf.items ?? [];
  const maxId = explicit.reduce((m, it, i) => Math.max(m, it.id ?? i + 1), 0);
  const lookupCount = (name: string): number =>
    ctx.site.lists.find((l) => l.name === name || l.displayName === name)?.items.length ?? 0;
  const generated = lf.generateItems ? generateItems(lf.generateItems, lf.columns ?? [], maxId + 1, lookupCount) : [];
  const dateColumns = new Set(list.columns.filter((c) => c.type === 'dateTime').map((c) => c.name));
  [...explicit, ...generated].forEach((it: ItemFixture, i) => {
    const fields: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(it.fields)) {
      fields[k] = dateColumns.has(k) && typeof v === 'string' ? ctx.when(v, v) : v;
    }
    const created = ctx.when(it.created, list.created);
    const access = it.readers ? accessOf(it.readers) : list.access;
    if (it.readers) ctx.uniques.push(access);
    const id = it.id ?? i + 1;
    const item: ListItem = {
      list, id, uniqueId: stableGuid(list.id, 'item', String(id)), fields, access, contentType: 'Item', created,
      modified: ctx.when(it.modified, created), author: it.author ?? ctx.defaultAuthor,
      editor: it.editor ?? it.author ?? ctx.defaultAuthor,
    };
    Object.assign(item.fields, systemFields(item), { LinkTitle: fields['Title'], LinkTitleNoMenu: fields['Title'] });
    list.items.push(item);
  });
};

const INDEXABLE = new Set(['text', 'number', 'currency', 'choice', 'boolean', 'dateTime']);

const buildIndexes = (list: SpList): void => {
  for (const col of list.columns) {
    if (!col.indexed || !INDEXABLE.has(col.type)) continue;
    const byValue = new Map<string, ListItem[]>();
    for (const it of list.items) {
      const key = String(it.fields[col.name]).toLowerCase();
      const bucket = byValue.get(key);
      if (bucket) bucket.push(it);
      else byValue.set(key, [it]);
    }
    list.index.set(col.name, byValue);
  }
};
