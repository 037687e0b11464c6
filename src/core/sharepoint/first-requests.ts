import { parseDocumentMacroConfig, parseListMacroConfig } from './config';
import { DEFAULT_HOST_POLICY, type HostPolicy } from './hosts';
import type { GraphRequest } from './odata';
import { batchRequest, documentItemRequest, previewRequest } from './requests';
import { firstPaintParts, initTable } from './table-state';

/**
 * What a macro asks Graph first, from its stored configuration alone — before its view has rendered —
 * so a small entry module can start these requests while the rest of the macro still loads
 * (static/shared/sharepoint/early.ts). They must be exactly the requests the view makes first: the view
 * takes an early answer only for an identical request (same URL, headers and body), and sends its own
 * otherwise. A configuration the view would refuse asks nothing.
 */

/** The List macro: its first paint's one `$batch` (list, columns, first page, probe or start folder). */
export function listMacroFirstRequests(rawConfig: unknown, graphBase: string, policy: HostPolicy = DEFAULT_HOST_POLICY): GraphRequest[] {
  const config = parseListMacroConfig(rawConfig, policy);
  if (!config.ok) return [];
  const first = firstPaintParts(initTable(config.value, { graphBase }));
  return first ? [batchRequest(first.parts)] : [];
}

/** The Document macro: the preview and the item, asked together (the card does not wait for the preview). */
export function documentMacroFirstRequests(rawConfig: unknown, policy: HostPolicy = DEFAULT_HOST_POLICY): GraphRequest[] {
  const config = parseDocumentMacroConfig(rawConfig, policy);
  return config.ok ? [previewRequest(config.value), documentItemRequest(config.value)] : [];
}
