import type { ColumnDefinition, DriveItem } from '@microsoft/microsoft-graph-types';
import { defaultColumns, pickableColumns, type ListKind } from '../src/core/sharepoint/columns';
import { DEFAULT_PAGE_SIZE, parseDocumentMacroConfig, parseListMacroConfig, type DocumentMacroConfig, type ListMacroConfig } from '../src/core/sharepoint/config';
import { formatFileSize } from '../src/core/sharepoint/files';

/** The demo tenant's Project Phoenix site and the lists the benchmark renders (dev/emulator/microsoft/README.md). */
export const PHOENIX = {
  siteId: 'contoso.sharepoint.com,8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a,e4d3c2b1-a0f9-4e8d-8c7b-6a5f4e3d2c1b',
  lists: {
    tasks: '22222222-aaaa-4bbb-8ccc-000000000002',
    documents: '33333333-aaaa-4bbb-8ccc-000000000003',
    bigList: '44444444-aaaa-4bbb-8ccc-000000000004',
    archive: '55555555-aaaa-4bbb-8ccc-000000000005',
  },
  /** The file the Document macro shows (alice may read it). */
  documentPath: 'Specs/Vendor contract.pdf',
};

export interface LibraryTarget {
  config: ListMacroConfig;
  driveId: string;
}

export interface Targets {
  tasks: ListMacroConfig;
  bigList: ListMacroConfig;
  documents: LibraryTarget;
  archive: LibraryTarget;
  /** `name`: the file's name as Graph shows it (the macro's config holds ids only). */
  document: { config: DocumentMacroConfig; name: string; cardTexts: string[] };
}

type GraphGet = <T>(path: string) => Promise<T>;

/**
 * Builds the macro configurations an editor would save with the config views' defaults (default
 * columns, default page size, no sort), resolved through Graph as alice — and validated by the same
 * parser the macros use, so a bench run never renders a configuration the app would refuse.
 */
export async function resolveTargets(get: GraphGet): Promise<Targets> {
  const site = await get<{ id: string; displayName: string; webUrl: string }>(`/sites/${PHOENIX.siteId}?$select=id,displayName,webUrl`);

  const listConfig = async (listId: string, kind: ListKind, driveId?: string): Promise<ListMacroConfig> => {
    const list = await get<{ id: string; displayName: string }>(`/sites/${site.id}/lists/${listId}?$select=id,displayName`);
    const defs = await get<{ value: ColumnDefinition[] }>(`/sites/${site.id}/lists/${listId}/columns`);
    const raw = {
      version: 2,
      siteId: site.id,
      siteName: site.displayName,
      siteWebUrl: site.webUrl,
      listId: list.id,
      listName: list.displayName,
      kind,
      ...(driveId ? { driveId } : {}),
      columns: defaultColumns(pickableColumns(defs.value, kind), kind),
      pageSize: DEFAULT_PAGE_SIZE,
    };
    const parsed = parseListMacroConfig(raw);
    if (!parsed.ok) throw new Error(`bench: the ${list.displayName} configuration is refused by parseListMacroConfig: ${parsed.error.message}`);
    return parsed.value;
  };
  const library = async (listId: string): Promise<LibraryTarget> => {
    const drive = await get<{ id: string }>(`/sites/${site.id}/lists/${listId}/drive?$select=id`);
    return { config: await listConfig(listId, 'library', drive.id), driveId: drive.id };
  };

  const documents = await library(PHOENIX.lists.documents);
  const item = await get<DriveItem>(`/drives/${documents.driveId}/root:/${PHOENIX.documentPath.split('/').map(encodeURIComponent).join('/')}`);
  const doc = parseDocumentMacroConfig({ version: 1, siteId: site.id, driveId: documents.driveId, itemId: item.id, name: item.name, webUrl: item.webUrl });
  if (!doc.ok) throw new Error(`bench: the document configuration is refused by parseDocumentMacroConfig: ${doc.error.message}`);

  return {
    tasks: await listConfig(PHOENIX.lists.tasks, 'list'),
    bigList: await listConfig(PHOENIX.lists.bigList, 'list'),
    documents,
    archive: await library(PHOENIX.lists.archive),
    document: { config: doc.value, name: item.name ?? '', cardTexts: [item.name ?? '', formatFileSize(item.size ?? 0, 'en-US')] },
  };
}
