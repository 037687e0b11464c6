import { buildColumns } from './columns';
import type { Directory } from './directory';
import { stableGuid } from './ids';
import { type ListItem, type Site, type SpList, systemFields } from './sharepoint';

/** The hidden list SharePoint keeps of every user known to the site; person lookups point into it. */
export const userInformationList = (site: Site, dir: Directory): SpList => {
  const id = stableGuid(site.id, 'User Information List');
  const columns = buildColumns(id, 'genericList', [
    { name: 'Title', displayName: 'Name', type: 'text' },
    { name: 'EMail', displayName: 'Work email', type: 'text' },
    { name: 'UserName', displayName: 'User name', type: 'text' },
    { name: 'Name', displayName: 'Account', type: 'text' },
    { name: 'JobTitle', displayName: 'Job Title', type: 'text' },
    { name: 'IsSiteAdmin', displayName: 'Is Site Admin', type: 'boolean' },
  ]);
  const list: SpList = {
    site, id, name: 'users', displayName: 'User Information List', template: 'genericList', hidden: true, system: true,
    description: 'All people.', webUrl: `${site.webUrl}/_catalogs/users`, created: site.created, modified: site.created,
    access: site.readers, columns, items: [], itemsById: new Map(), index: new Map(),
  };
  for (const [person, lookupId] of site.userLookupIds) {
    const p = dir.in(site.tenant.id, person);
    if (!p) continue;
    const item: ListItem = {
      list, id: lookupId, uniqueId: stableGuid(id, 'item', person), fields: {}, access: site.readers,
      contentType: 'Item', created: site.created, modified: site.created, author: person, editor: person,
    };
    item.fields = {
      Title: p.displayName, EMail: p.mail, UserName: p.userPrincipalName,
      Name: `i:0#.f|membership|${p.userPrincipalName.toLowerCase()}`, JobTitle: p.jobTitle ?? undefined,
      IsSiteAdmin: site.owners.has(person), LinkTitle: p.displayName, LinkTitleNoMenu: p.displayName,
      ...systemFields(item),
    };
    list.items.push(item);
    list.itemsById.set(item.id, item);
  }
  list.items.sort((a, b) => a.id - b.id);
  return list;
};
