/**
 * The SharePoint List macro's entry: small on purpose. It starts the context, the token and the first
 * page's `$batch` (static/shared/sharepoint/early.ts), then loads the view — Preact and the table, most
 * of the bundle — which finds that answer under way. Styles are imported here so they arrive with the page.
 */
import { listMacroFirstRequests } from '../../src/core/sharepoint/first-requests';
import { showView, startEarly } from '../shared/sharepoint/early';
import '../shared/ui.css';
import '../shared/sharepoint/file-icon.css';
import './list.css';

const early = startEarly('sp-list', (ctx, token) => listMacroFirstRequests(ctx.extension['config'], token.graphBaseUrl));
showView(early, () => import('./view'));
