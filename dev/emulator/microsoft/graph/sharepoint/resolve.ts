import { allows } from '../../data/access';
import { type Drive, type DriveItem, isFolder, type Site, type SpList } from '../../data/sharepoint';
import { accessDenied, GraphError, invalidToken, itemNotFound } from '../errors';
import { LIST_DRIVE, REF_SEP, SITE_DRIVE } from '../router';
import type { Caller, GraphEnv } from '../types';

// Permission trimming lives here: SharePoint answers 401 for a token from another tenant, 403 for
// a site the user cannot reach at all, and 404 for anything inside it the user may not see.

export const sameTenant = (caller: Caller, site: Site): void => {
  if (site.tenant.id !== caller.tenant.id) {
    throw invalidToken(`Access token validation failure. The token was issued by tenant '${caller.tenant.id}', not by the tenant that owns ${site.hostname}.`);
  }
};

export const reachable = (caller: Caller, site: Site): Site => {
  sameTenant(caller, site);
  if (!allows(site.reach, caller.principal)) throw accessDenied('Access denied. You do not have permission to perform this action or access this resource.');
  return site;
};

const siteNotFound = (): GraphError => itemNotFound('Requested site could not be found');

export const resolveSite = (env: GraphEnv, caller: Caller, ref: string): Site => {
  const sp = env.model.sharePoint;
  if (ref.toLowerCase() === 'root') {
    const root = sp.rootSite(caller.tenant.id);
    if (!root) throw new GraphError(400, 'BadRequest', 'Tenant does not have a SPO license.');
    return reachable(caller, root);
  }
  const colon = ref.indexOf(':/');
  if (colon >= 0) {
    const hostname = ref.slice(0, colon);
    const site = sp.siteByPath(hostname, ref.slice(colon + 1));
    if (!site) {
      const owner = sp.sites.find((s) => s.hostname.toLowerCase() === hostname.toLowerCase());
      if (owner) sameTenant(caller, owner);
      throw siteNotFound();
    }
    return reachable(caller, site);
  }
  if (!ref.includes(',')) {
    const site = sp.siteByPath(ref, '/');
    if (!site) throw siteNotFound();
    return reachable(caller, site);
  }
  const site = sp.siteById(ref);
  if (!site) throw siteNotFound();
  return reachable(caller, site);
};

export const canSeeList = (caller: Caller, list: SpList): boolean => allows(list.access, caller.principal);

export const resolveList = (caller: Caller, site: Site, ref: string): SpList => {
  const r = ref.toLowerCase();
  const list = site.lists.find((l) => l.id === r || l.name.toLowerCase() === r || l.displayName.toLowerCase() === r);
  if (!list || !canSeeList(caller, list)) throw itemNotFound('The specified list was not found');
  return list;
};

const defaultLibrary = (site: Site): SpList | undefined =>
  site.lists.find((l) => l.template === 'documentLibrary' && l.name === 'Shared Documents')
  ?? site.lists.find((l) => l.template === 'documentLibrary');

export const resolveDrive = (env: GraphEnv, caller: Caller, ref: string): Drive => {
  let list: SpList | undefined;
  if (ref.startsWith(SITE_DRIVE)) {
    list = defaultLibrary(resolveSite(env, caller, ref.slice(SITE_DRIVE.length)));
  } else if (ref.startsWith(LIST_DRIVE)) {
    const [siteRef = '', listRef = ''] = ref.slice(LIST_DRIVE.length).split(REF_SEP);
    list = resolveList(caller, resolveSite(env, caller, siteRef), listRef);
    if (!list.drive) throw itemNotFound('The list is not a document library and has no drive.');
  } else {
    const drive = env.model.sharePoint.drive(ref);
    if (!drive) throw itemNotFound('The drive could not be found.');
    reachable(caller, drive.list.site);
    list = drive.list;
  }
  if (!list?.drive || !canSeeList(caller, list)) throw itemNotFound('The drive could not be found.');
  return list.drive;
};

/** The file's own readers, and whoever redeemed a sharing link to it (share-routes.ts). */
export const canSee = (caller: Caller, d: DriveItem): boolean =>
  allows(d.access, caller.principal) || d.redeemedBy?.has(caller.principal.oid) === true;

/**
 * A file addressed by drive id and item id that the caller redeemed a sharing link to. Sharing one file
 * gives its grantees SharePoint's "Limited Access" on the library and site above it, so they read that file
 * by id even where the site or library is closed to them; nothing else in them opens up (SharePoint's
 * "Default permission levels": Limited Access "is automatically assigned by SharePoint when you provide access
 * to one specific item … Limited Access does not grant any additional permissions", quoted at
 * learn.microsoft.com/answers/questions/1682113). Undefined otherwise: the usual trimming then applies.
 */
export const redeemedItem = (env: GraphEnv, caller: Caller, driveRef: string, itemRef: string): DriveItem | undefined => {
  const item = env.model.sharePoint.drive(driveRef)?.byId.get(itemRef);
  if (!item?.redeemedBy?.has(caller.principal.oid)) return undefined;
  sameTenant(caller, item.drive.list.site);
  return item;
};

const childNamed = (folder: DriveItem, name: string): DriveItem | undefined =>
  folder.children?.find((c) => c.name.toLowerCase() === name.toLowerCase());

/** `root`, an item id, `root:/a/b.docx` or `{id}:/relative/path`. */
export const resolveDriveItem = (caller: Caller, drive: Drive, ref: string): DriveItem => {
  const colon = ref.indexOf(':/');
  const base = colon >= 0 ? ref.slice(0, colon) : ref;
  let item = base.toLowerCase() === 'root' ? drive.root : drive.byId.get(base);
  if (colon >= 0 && item) {
    for (const name of ref.slice(colon + 2).split('/').filter(Boolean)) {
      if (!item || !isFolder(item)) {
        item = undefined;
        break;
      }
      item = childNamed(item, name);
    }
  }
  if (!item || !canSee(caller, item)) throw itemNotFound('The resource could not be found.');
  return item;
};
