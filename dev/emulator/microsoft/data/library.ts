import type { FileFixture, FolderFixture, ListFixture } from '../fixture';
import { accessOf } from './access';
import { generateFiles } from './generate';
import { driveId, driveItemId, stableGuid } from './ids';
import {
  type BuildContext, type Drive, type DriveItem, extensionOf, isFolder, type ListItem, type SpList, systemFields, trimPath,
} from './sharepoint';

/** A document library: a drive tree of folders and files, each also an item of the list. */
export const buildLibrary = (list: SpList, lf: ListFixture, ctx: BuildContext): void => {
  // The drive and its root refer to each other; the root is attached right below.
  const drive = { id: driveId(ctx.site.collectionId, list.id), list, byId: new Map<string, DriveItem>() } as Drive;
  const root: DriveItem = {
    id: driveItemId(list.id, '/'), uniqueId: stableGuid(list.id, 'root'), drive, name: 'root', path: '', children: [],
    size: 0, created: list.created, modified: list.created, author: ctx.defaultAuthor, editor: ctx.defaultAuthor,
    access: list.access,
  };
  drive.root = root;
  drive.byId.set(root.id, root);
  list.drive = drive;

  const folderSpecs = new Map((lf.folders ?? []).map((f: FolderFixture) => [trimPath(f.path), f]));
  const folders = new Map<string, DriveItem>([['', root]]);
  const folderFor = (path: string): DriveItem => {
    const existing = folders.get(path);
    if (existing) return existing;
    const slash = path.lastIndexOf('/');
    const parent = folderFor(slash < 0 ? '' : path.slice(0, slash));
    const spec = folderSpecs.get(path);
    const created = ctx.when(spec?.created, list.created);
    const access = spec?.readers ? accessOf(spec.readers) : parent.access;
    if (spec?.readers) ctx.uniques.push(access);
    const folder: DriveItem = {
      id: driveItemId(list.id, path), uniqueId: stableGuid(list.id, 'doc', path), drive, parent,
      name: path.slice(slash + 1), path, children: [], size: 0, created, modified: created,
      author: spec?.author ?? ctx.defaultAuthor, editor: spec?.author ?? ctx.defaultAuthor, access,
    };
    parent.children?.push(folder);
    drive.byId.set(folder.id, folder);
    folders.set(path, folder);
    return folder;
  };
  for (const path of [...folderSpecs.keys()].sort()) folderFor(path);

  const files: FileFixture[] = [...(lf.files ?? []), ...(lf.generateFiles ? generateFiles(lf.generateFiles) : [])];
  for (const f of files) {
    const path = trimPath(f.path);
    const slash = path.lastIndexOf('/');
    const parent = folderFor(slash < 0 ? '' : path.slice(0, slash));
    const created = ctx.when(f.created, list.created);
    const access = f.readers ? accessOf(f.readers) : parent.access;
    if (f.readers) ctx.uniques.push(access);
    const file: DriveItem = {
      id: driveItemId(list.id, path), uniqueId: stableGuid(list.id, 'doc', path), drive, parent,
      name: path.slice(slash + 1), path, size: f.size ?? sizeFromName(path), created,
      modified: ctx.when(f.modified, created), author: f.author ?? ctx.defaultAuthor,
      editor: f.editor ?? f.author ?? ctx.defaultAuthor, access, ...(f.text !== undefined ? { text: f.text } : {}),
    };
    parent.children?.push(file);
    drive.byId.set(file.id, file);
  }
  finishFolder(root);

  let nextId = 1;
  for (const d of drive.byId.values()) {
    if (d === root) continue;
    const item: ListItem = {
      list, id: nextId++, uniqueId: d.uniqueId, fields: {}, access: d.access,
      contentType: isFolder(d) ? 'Folder' : 'Document', created: d.created, modified: d.modified,
      author: d.author, editor: d.editor, driveItem: d,
    };
    item.fields = {
      FileLeafRef: d.name, LinkFilename: d.name, LinkFilenameNoMenu: d.name,
      DocIcon: isFolder(d) ? undefined : extensionOf(d.name),
      FileSizeDisplay: isFolder(d) ? undefined : String(d.size),
      ItemChildCount: String(d.children?.filter((c) => !isFolder(c)).length ?? 0),
      FolderChildCount: String(d.children?.filter(isFolder).length ?? 0),
      ...systemFields(item),
    };
    d.listItem = item;
    list.items.push(item);
  }
};

/** Folder sizes and modification dates roll up from their contents, as in SharePoint. */
const finishFolder = (folder: DriveItem): void => {
  for (const c of folder.children ?? []) {
    if (isFolder(c)) finishFolder(c);
    folder.size += c.size;
    if (c.modified > folder.modified) folder.modified = c.modified;
  }
};

const sizeFromName = (path: string): number => {
  let h = 0;
  for (const ch of path) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return 10_000 + (h % 2_000_000);
};
