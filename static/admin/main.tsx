import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { theme } from '@forge/bridge/out/view/theme';
import type { AdminView } from '../../src/contract';
import { call } from '../shared/invoke';
import { Registration } from './registration';
import { Diagnostics, Features, SharePointSites, SharingDefaults, Storage } from './sections';
import { SharingKinds } from './sharing-kinds';
import './admin.css';

type Page = { kind: 'loading' } | { kind: 'forbidden' } | { kind: 'error'; message: string } | { kind: 'ready'; view: AdminView };

const DAMAGED_LABEL: Record<string, string> = {
  settings: 'all settings',
  features: 'feature switches',
  sharePointTenants: 'SharePoint sites',
  sharing: 'sharing defaults',
  diagnostics: 'logs',
  registration: 'Microsoft app registration',
};

/**
 * The app's settings page: Jira's admin page and Confluence's global settings, site admins only.
 * The product shows the module's title above the iframe, so the page starts at the section headings.
 */
function AdminPage() {
  const [page, setPage] = useState<Page>({ kind: 'loading' });
  const load = useCallback(async () => {
    const res = await call('admin/settings');
    if (res.ok) setPage({ kind: 'ready', view: res.value });
    else if (res.error.code === 'FORBIDDEN') setPage({ kind: 'forbidden' });
    else setPage({ kind: 'error', message: res.error.message });
  }, []);
  useEffect(() => void load(), [load]);
  const onView = useCallback((view: AdminView) => { setPage({ kind: 'ready', view }); }, []);

  if (page.kind === 'loading') return <main class="admin"><p class="subtle" role="status">Loading the settings…</p></main>;
  // The page says nothing else to someone who is not a site admin (the product hides it from them too).
  if (page.kind === 'forbidden') return <main class="admin forbidden"><p role="alert">Only site admins can change the app’s settings.</p></main>;
  if (page.kind === 'error') {
    return (
      <main class="admin">
        <p class="error" role="alert">{page.message}</p>
        <button type="button" onClick={() => { setPage({ kind: 'loading' }); void load(); }}>Try again</button>
      </main>
    );
  }
  const { view } = page;
  return (
    <main class="admin">
      <p class="lead">Connect the app to your organisation’s Microsoft 365 and choose what it may do. Only site admins see this page.</p>
      {view.damaged.length > 0 && (
        <p class="banner danger" role="alert">
          Some saved settings could not be read and were set back to their defaults: {view.damaged.map((d) => DAMAGED_LABEL[d] ?? d).join(', ')}. Check them below and save.
        </p>
      )}
      <Registration view={view} onView={onView} refresh={load} />
      <Features view={view} onView={onView} refresh={load} />
      <SharePointSites view={view} onView={onView} />
      <SharingDefaults view={view} onView={onView} />
      <SharingKinds view={view} onView={onView} />
      <Diagnostics view={view} onView={onView} />
      <Storage />
    </main>
  );
}

// Asks the product for its design tokens and colour mode (light, dark); the CSS has fallbacks for both.
void theme.enable().catch(() => undefined);
const root = document.getElementById('root');
if (root) render(<AdminPage />, root);
