import type { SessionToken } from '../../src/contract';
import type { GraphRequest } from '../../src/core/sharepoint/odata';

/**
 * The `fetch` arguments for one Graph request with the viewer's token: the one place that turns a
 * {@link GraphRequest} into a URL and `RequestInit`, used by the sender and by a macro's early start
 * (static/shared/sharepoint/early.ts), so a request started early is the very request the view makes.
 */
export function graphFetchArgs(req: GraphRequest, token: Pick<SessionToken, 'accessToken' | 'graphBaseUrl'>): [string, RequestInit & { headers: Record<string, string> }] {
  const headers: Record<string, string> = { ...req.headers, Authorization: `Bearer ${token.accessToken}` };
  if (req.body !== undefined) headers['Content-Type'] = 'application/json';
  return [
    `${token.graphBaseUrl}${req.path}`,
    { method: req.method, headers, ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}) },
  ];
}
