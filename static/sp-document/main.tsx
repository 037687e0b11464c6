/**
 * The SharePoint Document macro's entry: small on purpose. It starts the context, the token and the
 * document's two first requests (static/shared/sharepoint/early.ts), then loads the view — Preact and the
 * card — which finds those answers under way. Styles are imported here so they arrive with the page.
 */
import { documentMacroFirstRequests } from '../../src/core/sharepoint/first-requests';
import { showView, startEarly } from '../shared/sharepoint/early';
import '../shared/ui.css';
import '../shared/sharepoint-document/document.css';
import '../shared/sharepoint/file-icon.css';

const early = startEarly('sp-document', (ctx) => documentMacroFirstRequests(ctx.extension['config']));
showView(early, () => import('./view'));
