import { formatCell, type FormatContext } from './cells';
import { fileIconKey, formatFileSize, openLinks, type FileIconKey, type OpenLink } from './files';
import type { HostPolicy } from './hosts';
import { ok, refuse, type Result } from './result';
import { rowFromDriveItem } from './rows';

/** The Document macro's card: everything shown around the preview. */
export interface DocumentCard {
  name: string;
  icon: FileIconKey;
  /** Empty for folders. */
  sizeText: string;
  modifiedBy?: string;
  modifiedText?: string;
  thumbnailUrl?: string;
  links: OpenLink[];
}

/** Builds the card from the drive item Graph returned for the configured document. */
export function documentCard(driveItem: unknown, ctx: FormatContext, policy: HostPolicy): Result<DocumentCard> {
  const row = rowFromDriveItem(driveItem);
  if (row?.name === undefined) return refuse('invalid_response', 'SharePoint sent a document the app could not read.');
  const isFolder = row.kind === 'folder';
  const card: DocumentCard = {
    name: row.name,
    icon: fileIconKey({ name: row.name, mimeType: row.mimeType ?? null, isFolder, packageType: row.packageType ?? null }),
    sizeText: isFolder || row.size === undefined ? '' : formatFileSize(row.size, ctx.locale),
    links: openLinks({ name: row.name, mimeType: row.mimeType ?? null, isFolder, packageType: row.packageType ?? null, webUrl: row.webUrl ?? null }, policy),
  };
  if (row.modifiedBy !== undefined) card.modifiedBy = row.modifiedBy.name;
  const modified = formatCell({ name: 'Modified', displayName: 'Modified', type: 'dateTime' }, row, ctx);
  if (modified.kind !== 'empty') card.modifiedText = modified.text;
  if (row.thumbnailUrl !== undefined) card.thumbnailUrl = row.thumbnailUrl;
  return ok(card);
}
