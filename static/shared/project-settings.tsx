import { useEffect, useState } from 'preact/hooks';
import type { ComponentChildren, FunctionComponent } from 'preact';
import type { ViewContext } from './context';
import './project-settings.css';

type Page = FunctionComponent<{ projectId: string; accountId: string | undefined }>;

/**
 * Forge gives an app one project settings page: on it, tabs for calendar feeds, automations and sharing. The
 * automations tab's code loads only when it is opened (a separate chunk), so the feeds page stays as
 * small and fast as it was. Elsewhere (the global Calendar feeds page) the children show as they are.
 */
export function ProjectSettingsTabs({ ctx, children }: { ctx: ViewContext; children: ComponentChildren }) {
  const project = ctx.extension.project as { id?: unknown; key?: unknown } | undefined;
  const projectId = typeof project?.id === 'string' ? project.id : undefined;
  const [tab, setTab] = useState<'feeds' | 'automations' | 'sharing'>('feeds');
  const [Automations, setAutomations] = useState<Page | undefined>();
  const [Sharing, setSharing] = useState<FunctionComponent<{ projectId: string }> | undefined>();
  useEffect(() => {
    if (tab === 'automations' && !Automations) {
      void import('../automations/app').then((m) => {
        setAutomations(() => m.AutomationsPage);
      });
    }
    if (tab === 'sharing' && !Sharing) {
      void import('./my-shares/project-sharing').then((m) => {
        setSharing(() => m.ProjectSharingPage);
      });
    }
  }, [tab, Automations, Sharing]);
  if (ctx.extension.type !== 'jira:projectSettingsPage' || !projectId) return <>{children}</>;
  return (
    <>
      <div class="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab === 'feeds'} onClick={() => { setTab('feeds'); }}>Calendar feeds</button>
        <button type="button" role="tab" aria-selected={tab === 'automations'} onClick={() => { setTab('automations'); }}>Teams and To Do automations</button>
        <button type="button" role="tab" aria-selected={tab === 'sharing'} onClick={() => { setTab('sharing'); }}>Sharing</button>
      </div>
      {tab === 'feeds' ? children : tab === 'sharing' ? (Sharing ? <Sharing projectId={projectId} /> : <p class="muted" role="status">Loading…</p>) : Automations ? <Automations projectId={projectId} accountId={ctx.accountId} /> : <p class="muted" role="status">Loading…</p>}
    </>
  );
}
