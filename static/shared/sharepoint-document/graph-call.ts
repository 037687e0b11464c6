import type { GraphAnswer } from '../../../src/core/sharepoint/document-resolve';
import type { GraphRequest } from '../../../src/core/sharepoint/odata';
import type { FailureTarget, ViewerState } from '../../../src/core/sharepoint/states';
import { createGraphSender, type TokenSession } from '../sharepoint/graph-send';

export type Sent = { ok: true; body: unknown } | { ok: false; status: number; state: ViewerState };

const UNAVAILABLE: ViewerState = { code: 'UNAVAILABLE', message: 'SharePoint couldn’t show this right now. Try again later.', action: 'retry' };

/**
 * The Document macro's Graph calls, through the same gateway as the List macro: one place for the
 * viewer's token, the single silent refresh on 401, waits per `Retry-After` (told to `onRetry` so the
 * UI shows "Retrying…") and the core's decision of what to show.
 */
export function documentGraph(session: TokenSession, onRetry?: (state: ViewerState) => void) {
  const gateway = createGraphSender({ session, ...(onRetry ? { onRetry } : {}) });

  async function send(req: GraphRequest, target: FailureTarget): Promise<Sent> {
    const r = await gateway.send(req, { target });
    if (r.ok) return { ok: true, body: r.value };
    // A sorted or filtered query is never sent here, so `degradeQuery` cannot come back.
    return { ok: false, status: r.stop.status ?? 0, state: r.stop.action === 'show' ? r.stop.state : UNAVAILABLE };
  }

  /** The core's `GraphCall` port: status 0 when no HTTP answer came. */
  const graphCall = async (req: GraphRequest): Promise<GraphAnswer> => {
    const r = await send(req, { kind: 'document' });
    return r.ok ? r : { ok: false, status: r.status };
  };

  return { send, graphCall };
}
