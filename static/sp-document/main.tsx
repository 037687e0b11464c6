/**
 * The SharePoint Document macro's entry: small on purpose. It starts the context, the token and the
 * document's two first requests (static/shared/sharepoint/early.ts), then loads the view — Preact and the
 * card — which finds those answers under way. Styles are imported here so they arrive with the page.
 */
import { documentMacroFirstRequests } from '../../src/core/sharepoint/first-requests';
import { startEarly, VIEW_AT_THE_LATEST_MS } from '../shared/sharepoint/early';
import '../shared/ui.css';
import '../shared/sharepoint-document/document.css';

const early = startEarly((ctx) => documentMacroFirstRequests(ctx.extension['config']));
// The view loads when the early start says (see `viewMayLoad`), and at the latest after VIEW_AT_THE_LATEST_MS:
// it also shows "Connect" and every other state.
void Promise.race([early.viewMayLoad, new Promise((r) => setTimeout(r, VIEW_AT_THE_LATEST_MS))])
  .then(() => import('./view'))
  .then((view) => {
    view.show(early.context);
  });
