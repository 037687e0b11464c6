/**
 * The SharePoint List macro's entry: small on purpose. It starts the context, the token and the first
 * page's `$batch` (static/shared/sharepoint/early.ts), then loads the view — Preact and the table, most
 * of the bundle — which finds that answer under way. Styles are imported here so they arrive with the page.
 */
import { listMacroFirstRequests } from '../../src/core/sharepoint/first-requests';
import { startEarly, VIEW_AT_THE_LATEST_MS } from '../shared/sharepoint/early';
import '../shared/ui.css';
import '../shared/sharepoint/file-icon.css';
import './list.css';

const early = startEarly((ctx, token) => listMacroFirstRequests(ctx.extension['config'], token.graphBaseUrl));
// The view loads when the early start says (see `viewMayLoad`), and at the latest after VIEW_AT_THE_LATEST_MS:
// it also shows "Connect" and every other state.
void Promise.race([early.viewMayLoad, new Promise((r) => setTimeout(r, VIEW_AT_THE_LATEST_MS))])
  .then(() => import('./view'))
  .then((view) => {
    view.show(early.context);
  });
