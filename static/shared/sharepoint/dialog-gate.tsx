import type { ComponentChildren } from 'preact';
import { hostPolicyFrom, type HostPolicy } from '../../../src/core/sharepoint/hosts';
import { SHAREPOINT_OFF } from '../../../src/core/sharepoint/policy';
import { viewerState } from '../../../src/core/sharepoint/states';
import { usePublicSettings } from './public-settings';
import { StateMessage } from './state-message';

/**
 * A SharePoint settings dialog learns the admin's settings before anything else: switched off, it says
 * so and asks nothing of Microsoft (not even `/me` with a token this tab kept); on, its address checks
 * get the admin's tenants. One resolver round trip first is acceptable in an editor's dialog; the views
 * ask in parallel instead, to keep first paint fast.
 */
export function SharePointDialog({ children }: { children: (policy: HostPolicy) => ComponentChildren }) {
  const settings = usePublicSettings();
  switch (settings.kind) {
    case 'loading':
      return <p class="muted" role="status">Checking the app’s settings…</p>;
    case 'failed':
      return <p class="error" role="alert">{settings.error.message}</p>;
    case 'ready':
      if (!settings.settings.features.sharepoint) return <StateMessage state={viewerState(SHAREPOINT_OFF, { kind: 'site' })} />;
      return <>{children(hostPolicyFrom(settings.settings))}</>;
  }
}
