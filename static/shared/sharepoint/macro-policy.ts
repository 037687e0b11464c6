import { useEffect } from 'preact/hooks';
import type { AppErrorBody } from '../../../src/contract';
import { macroRefusal } from '../../../src/core/sharepoint/policy';
import type { Session } from '../session';
import { usePublicSettings } from './public-settings';
import type { ConnectionState } from './use-connection';

/**
 * The admin's verdict on a configured macro: undefined while it may show its site, else why not (the
 * macros are switched off, or the site's tenant is no longer allowed). Learnt from `settings/public`,
 * asked alongside the token or first Graph request so first paint is not delayed, and from the token
 * resolver's own refusal.
 *
 * If `settings/public` fails the macro is shown: the switch is still enforced by the token resolver,
 * and a storage hiccup should not blank every macro on the page.
 */
export function useMacroRefusal(siteId: string, conn: { state: ConnectionState; session: Session | undefined }): AppErrorBody | undefined {
  const settings = usePublicSettings();
  const fromToken = conn.state.kind === 'refused' ? conn.state.error : undefined;
  const refusal = fromToken ?? (settings.kind === 'ready' ? macroRefusal(settings.settings, siteId) : undefined);
  const off = refusal?.code === 'FEATURE_OFF';
  // A token kept in this tab skipped the resolver; forget it so the next view asks, and is refused there.
  useEffect(() => {
    if (off) conn.session?.clear();
  }, [off, conn.session]);
  return refusal;
}
