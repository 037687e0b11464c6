import type { Column } from '../../data/columns';
import type { Directory } from '../../data/directory';
import { type DriveItem, type Drive, extensionOf, isFolder, type ListItem, mimeTypeOf, type Site, type SpList } from '../../data/sharepoint';
import type { Caller, GraphEnv } from '../types';
import { canSee } from './resolve';

type Json = Record<string, unknown>;

export const identityOf = (dir: Directory, site: Site, person: string): Json => {
  const p = dir.in(site.tenant.id, person) ?? dir.home(person);
  return { user: { email: p?.mail ?? person, id: p?.oid ?? person, displayName: p?.displayName ?? person } };
};

export const renderSite = (s: Site): Json => ({
  createdDateTime: s.created,
  description: s.description,
  id: s.id,
  lastModifiedDateTime: s.lists.reduce((m, l) => (l.modified > m ? l.modified : m), s.created),
  name: s.name,
  webUrl: s.webUrl,
  displayName: s.displayName,
  ...(s.path === '/' ? { root: {} } : {}),
  siteCollection: { hostname: s.hostname },
});

export const renderList = (env: GraphEnv, l: SpList): Json => ({
  '@odata.etag': `"${l.id},${l.items.length}"`,
  createdDateTime: l.created,
  description: l.description,
  eTag: `"${l.id},${l.items.length}"`,
  id: l.id,
  lastModifiedDateTime: l.modified,
  name: l.name,
  webUrl: l.webUrl,
  displayName: l.displayName,
  createdBy: identityOf(env.model.directory, l.site, [...l.site.owners][0] ?? ''),
  parentReference: { siteId: l.site.id },
  list: { contentTypesEnabled: false, hidden: l.hidden, template: l.template },
  ...(l.system ? { system: {} } : {}),
});

const facet = (c: Column): Json => {
  switch (c.type) {
    case 'text': return { text: { allowMultipleLines: false, appendChangesToExistingText: false, linesForEditing: 0, maxLength: 255 } };
    case 'note': return { text: { allowMultipleLines: true, appendChangesToExistingText: false, linesForEditing: 6, maxLength: 63999 } };
    case 'number': return { number: { decimalPlaces: 'automatic', displayAs: 'number', maximum: 1.7976931348623157e308, minimum: -1.7976931348623157e308 } };
    case 'currency': return { currency: { locale: 'en-US' } };
    case 'dateTime': return { dateTime: { displayAs: 'default', format: c.dateOnly ? 'dateOnly' : 'dateTime' } };
    case 'boolean': return { boolean: {} };
    case 'choice': return { choice: { allowTextEntry: false, choices: c.choices ?? [], displayAs: 'dropDownMenu' } };
    case 'personOrGroup': return { personOrGroup: { allowMultipleSelection: false, chooseFromType: 'peopleOnly', displayAs: 'nameWithPresence' } };
    case 'lookup': return c.lookup
      ? { lookup: { allowMultipleValues: false, allowUnlimitedLength: false, columnName: c.lookup.column, listId: c.lookup.listId } }
      : { lookup: { allowMultipleValues: false, allowUnlimitedLength: false, columnName: 'ID', listId: '' } };
    case 'hyperlinkOrPicture': return { hyperlinkOrPicture: { isPicture: false } };
    case 'calculated': return { calculated: { format: null, formula: c.formula ?? '', outputType: 'text' } };
    case 'none': return {};
  }
};

export const renderColumn = (c: Column): Json => ({
  columnGroup: c.group,
  description: '',
  displayName: c.displayName,
  enforceUniqueValues: false,
  hidden: c.hidden,
  id: c.id,
  indexed: c.indexed,
  name: c.name,
  readOnly: c.readOnly,
  required: c.required,
  ...facet(c),
});

const CONTENT_TYPES = {
  Item: '0x010016E2A71C7A6A4D4B8E43F35D1A8B6A2C',
  Document: '0x010100A1C9C4F6D3B0524DA2C4A3F2B8E0D2A1',
  Folder: '0x012000B4E3A2D1C0F94A4E8F7C1D2E3F4A5B6C',
} as const;

const isLookupLike = (c: Column): boolean => c.type === 'personOrGroup' || c.lookup !== undefined;

/** The shown value of a person or lookup: what Graph returns only when the column is selected. */
const lookupText = (env: GraphEnv, item: ListItem, c: Column, raw: unknown): { id?: string; text?: unknown } => {
  if (c.type === 'personOrGroup' && typeof raw === 'string') {
    const site = item.list.site;
    const p = env.model.directory.in(site.tenant.id, raw) ?? env.model.directory.home(raw);
    const id = site.userLookupIds.get(raw);
    return { ...(id !== undefined ? { id: String(id) } : {}), text: p?.displayName };
  }
  if (c.lookup && typeof raw === 'number') {
    const target = item.list.site.lists.find((l) => l.id === c.lookup?.listId)?.itemsById.get(raw);
    return { id: String(raw), text: target?.fields[c.lookup.column] };
  }
  return {};
};

/**
 * `fields` as Graph returns them: empty values are left out, people and lookups appear as
 * `XLookupId` only. When `$select` names a lookup column its shown text comes as well ("The server
 * returns lookup values if your request includes a select statement": learn.microsoft.com/graph/api/
 * resources/fieldvalueset). A single-person column stays `XLookupId` even then: Graph is seen to answer
 * a person as its id alone (alcionai/corso#5108: `"PersonsLookupId": "10"`, and the docs show no person
 * name coming back), and the name lives in the site's User Information List, read by that id. This is the
 * stricter reading: a client that handles the id alone also handles a name, not the other way round.
 */
export const renderFields = (env: GraphEnv, item: ListItem, select: readonly string[] | undefined): Json => {
  const out: Json = { '@odata.etag': `"${item.uniqueId},1"` };
  const cols = item.list.columns;
  if (!select || select.length === 0) {
    for (const c of cols) {
      const raw = item.fields[c.name];
      if (raw === undefined || raw === null || raw === '') continue;
      if (isLookupLike(c)) {
        const { id } = lookupText(env, item, c, raw);
        if (id !== undefined) out[`${c.name}LookupId`] = id;
      } else {
        out[c.name] = raw;
      }
    }
    out['id'] = String(item.id);
    return out;
  }
  for (const name of select) {
    if (/^id$/i.test(name)) {
      out['id'] = String(item.id);
      continue;
    }
    const c = cols.find((x) => x.name === name);
    const viaId = /^(\w+)LookupId$/.exec(name);
    const base = c ?? (viaId?.[1] !== undefined ? cols.find((x) => x.name === viaId[1] && isLookupLike(x)) : undefined);
    if (!base) continue;
    const raw = item.fields[base.name];
    if (raw === undefined || raw === null || raw === '') continue;
    if (!isLookupLike(base)) {
      out[base.name] = raw;
      continue;
    }
    const { id, text } = lookupText(env, item, base, raw);
    if (c && text !== undefined && base.type !== 'personOrGroup') out[base.name] = text;
    if (id !== undefined) out[`${base.name}LookupId`] = id;
  }
  return out;
};

export const renderListItem = (env: GraphEnv, item: ListItem, fields: { select?: string[] } | undefined): Json => {
  const site = item.list.site;
  const d = item.driveItem;
  const out: Json = {
    '@odata.etag': `"${item.uniqueId},1"`,
    createdDateTime: item.created,
    eTag: `"${item.uniqueId},1"`,
    id: String(item.id),
    lastModifiedDateTime: item.modified,
    webUrl: d ? driveItemWebUrl(d) : `${item.list.webUrl}/${item.id}_.000`,
    createdBy: identityOf(env.model.directory, site, item.author),
    lastModifiedBy: identityOf(env.model.directory, site, item.editor),
    parentReference: { id: d?.parent?.listItem?.uniqueId ?? item.list.id, siteId: site.id },
    contentType: { id: CONTENT_TYPES[item.contentType], name: item.contentType },
  };
  if (fields) {
    out['fields@odata.context'] = `${env.origin}/graph/v1.0/$metadata#sites('${site.id}')/lists('${item.list.id}')/items('${item.id}')/fields/$entity`;
    out['fields'] = renderFields(env, item, fields.select);
  }
  return out;
};

const OFFICE = new Set(['docx', 'xlsx', 'pptx', 'doc', 'xls', 'ppt']);
const encodePath = (p: string): string => p.split('/').map(encodeURIComponent).join('/');

export const driveItemWebUrl = (d: DriveItem): string => {
  const list = d.drive.list;
  if (!isFolder(d) && OFFICE.has(extensionOf(d.name))) {
    return `${list.site.webUrl}/_layouts/15/Doc.aspx?sourcedoc=%7B${d.uniqueId.toUpperCase()}%7D&file=${encodeURIComponent(d.name)}&action=default&mobileredirect=true`;
  }
  return d.path === '' ? list.webUrl : `${list.webUrl}/${encodePath(d.path)}`;
};

export const renderDrive = (env: GraphEnv, drive: Drive): Json => {
  const l = drive.list;
  const used = drive.root.size;
  return {
    createdDateTime: l.created,
    description: l.description,
    id: drive.id,
    lastModifiedDateTime: l.modified,
    name: l.displayName,
    webUrl: l.webUrl,
    driveType: 'documentLibrary',
    createdBy: { user: { displayName: 'System Account' } },
    lastModifiedBy: identityOf(env.model.directory, l.site, [...l.site.owners][0] ?? ''),
    owner: { group: { id: l.site.collectionId, displayName: `${l.site.displayName} Owners` } },
    quota: { deleted: 0, remaining: 27_487_790_694_400 - used, state: 'normal', total: 27_487_790_694_400, used },
  };
};

export const THUMBNAIL_SIZES = { small: 96, medium: 176, large: 800 } as const;
const THUMBNAIL_LIFETIME_MS = 60 * 60_000;

/**
 * The SharePoint item a thumbnail URL names in `docid`, as the real ones do
 * (`https://<tenant>.sharepoint.com:443/_api/v2.0/drives/<drive>/items/<item>?version=Published`).
 */
export const thumbnailDocId = (d: DriveItem): string =>
  `https://${d.drive.list.site.hostname}:443/_api/v2.0/drives/${d.drive.id}/items/${d.id}?version=Published`;

/**
 * Thumbnail URLs point at the thumbnail service, not at SharePoint or Graph, as Graph's do in production
 * (`https://<region>-mediap.svc.ms/transform/thumbnail?provider=spo&inputFormat=…&docid=…&w=…` with a
 * short-lived token in the query; dev/emulator/microsoft/README.md, "Thumbnails"). Here the token is a signature.
 */
const thumbnailsOf = (env: GraphEnv, d: DriveItem): Json[] => {
  if (isFolder(d)) return [];
  const expires = env.now() + THUMBNAIL_LIFETIME_MS;
  const url = (size: keyof typeof THUMBNAIL_SIZES): string => {
    const subject = `thumb|${d.uniqueId}|${size}`;
    const q = new URLSearchParams({
      provider: 'spo', inputFormat: extensionOf(d.name) || 'bin', cs: 'fFNQTw', docid: thumbnailDocId(d),
      w: String(THUMBNAIL_SIZES[size]), tempauth: `${expires}.${env.signer.sign(subject, expires)}`,
    });
    return `${env.mediaBase}/transform/thumbnail?${q.toString()}`;
  };
  const sized = (size: keyof typeof THUMBNAIL_SIZES): Json =>
    ({ height: THUMBNAIL_SIZES[size], width: THUMBNAIL_SIZES[size], url: url(size) });
  return [{ id: '0', small: sized('small'), medium: sized('medium'), large: sized('large') }];
};

export const renderDriveItem = (env: GraphEnv, caller: Caller, d: DriveItem, opts: { thumbnails?: boolean } = {}): Json => {
  const site = d.drive.list.site;
  const etag = `"{${d.uniqueId.toUpperCase()}},1"`;
  const parent = d.parent;
  const out: Json = {
    '@odata.etag': etag,
    createdDateTime: d.created,
    eTag: etag,
    id: d.id,
    lastModifiedDateTime: d.modified,
    name: d.path === '' ? 'root' : d.name,
    webUrl: driveItemWebUrl(d),
    cTag: `"c:{${d.uniqueId.toUpperCase()}},1"`,
    size: d.size,
    createdBy: identityOf(env.model.directory, site, d.author),
    lastModifiedBy: identityOf(env.model.directory, site, d.editor),
    parentReference: parent
      ? {
        driveType: 'documentLibrary', driveId: d.drive.id, id: parent.id,
        name: parent.path === '' ? d.drive.list.name : parent.name,
        path: `/drives/${d.drive.id}/root:${parent.path === '' ? '' : '/' + parent.path}`, siteId: site.id,
      }
      : { driveType: 'documentLibrary', driveId: d.drive.id },
    fileSystemInfo: { createdDateTime: d.created, lastModifiedDateTime: d.modified },
  };
  if (isFolder(d)) out['folder'] = { childCount: (d.children ?? []).filter((c) => canSee(caller, c)).length };
  else out['file'] = { mimeType: mimeTypeOf(d.name), hashes: { quickXorHash: Buffer.from(d.uniqueId).toString('base64').slice(0, 28) } };
  if (d.path === '') out['root'] = {};
  if (opts.thumbnails) out['thumbnails'] = thumbnailsOf(env, d);
  return out;
};
