import { useLayoutEffect, useState } from 'preact/hooks';
import type { AppErrorBody, PublicSettings, Result } from '../../../src/contract';
import { call } from '../invoke';

export type PublicSettingsState = { kind: 'loading' } | { kind: 'ready'; settings: PublicSettings } | { kind: 'failed'; error: AppErrorBody };

// One frame shows one macro: ask once per frame; a failure may be asked again.
let asked: Promise<Result<PublicSettings>> | undefined;
const ask = (): Promise<Result<PublicSettings>> => {
  asked ??= call('settings/public').then((r) => {
    if (!r.ok) asked = undefined;
    return r;
  });
  return asked;
};

/**
 * The admin's switch and SharePoint tenants (`settings/public`). Asked on the first render, so it runs
 * alongside the session token or the first Graph request rather than before them.
 */
export function usePublicSettings(): PublicSettingsState {
  const [request] = useState(ask);
  const [state, setState] = useState<PublicSettingsState>({ kind: 'loading' });
  useLayoutEffect(() => {
    let live = true;
    void request.then(
      (r) => {
        if (live) setState(r.ok ? { kind: 'ready', settings: r.value } : { kind: 'failed', error: r.error });
      },
      () => {
        if (live) setState({ kind: 'failed', error: { code: 'INTERNAL', message: 'The app’s settings could not be read. Reload the page to try again.' } });
      },
    );
    return () => {
      live = false;
    };
  }, [request]);
  return state;
}
