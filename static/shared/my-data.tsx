import { useEffect, useId, useMemo, useState } from 'preact/hooks';
import type { MyRecords } from '../../src/contract';
import { ConfirmDialog } from './confirm-dialog';
import { call } from './invoke';
import type { useMicrosoftAccount } from './use-account';
import './my-data.css';

type State =
  | { kind: 'loading' }
  | { kind: 'loaded'; data: MyRecords }
  | { kind: 'deleted'; count: number }
  | { kind: 'error'; message: string };

/** Each kind of record once, in the order first stored, with how many there are. */
function kindsOf(records: ReadonlyArray<{ kind: string }>): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.kind, (counts.get(r.kind) ?? 0) + 1);
  return [...counts];
}

type Account = Pick<ReturnType<typeof useMicrosoftAccount>, 'session' | 'reload'>;

/**
 * "Your data in this app": what the app stores about the signed-in Atlassian user, to read,
 * download as JSON, or delete. After deleting, the panel asks again and finds no connection.
 */
export function MyData({ account }: { account: Account }) {
  const [open, setOpen] = useState(false);
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const regionId = useId();

  async function load() {
    setState({ kind: 'loading' });
    const res = await call('account/records');
    setState(res.ok ? { kind: 'loaded', data: res.value } : { kind: 'error', message: res.error.message });
  }

  useEffect(() => {
    if (open) void load();
  }, [open]);

  const download = useMemo(() => (state.kind === 'loaded' ? URL.createObjectURL(new Blob([JSON.stringify(state.data, null, 2)], { type: 'application/json' })) : undefined), [state]);
  useEffect(() => () => {
    if (download) URL.revokeObjectURL(download);
  }, [download]);

  async function remove() {
    setBusy(true);
    const res = await call('account/records/delete');
    setBusy(false);
    setConfirming(false);
    if (!res.ok) { setState({ kind: 'error', message: res.error.message }); return; }
    setState({ kind: 'deleted', count: res.value.deleted });
    // The tab's access token outlives the deleted connection; drop it so the check asks the server.
    account.session?.clear();
    void account.reload();
  }

  const records = state.kind === 'loaded' ? state.data.records : [];
  return (
    <div class="my-data">
      <button type="button" class="disclosure" aria-expanded={open} aria-controls={regionId} onClick={() => { setOpen(!open); }}>
        Your data in this app
      </button>
      {open && (
        <div id={regionId}>
          {state.kind === 'loading' && <p class="muted" role="status">Reading what the app stores about you…</p>}
          {state.kind === 'error' && <p class="error" role="alert">{state.message}</p>}
          {state.kind === 'deleted' && <p role="status">Deleted {state.count === 1 ? '1 record' : `${String(state.count)} records`}. The app stores nothing about you now.</p>}
          {state.kind === 'loaded' && (
            <>
              {records.length === 0 ? (
                <p class="muted">The app stores nothing about you.</p>
              ) : (
                <>
                  {/* In plain words: what kinds of record, and how many; the download has each key and value. */}
                  <ul class="records" aria-label="Records the app stores about you">
                    {kindsOf(records).map(([kind, n]) => (
                      <li key={kind}>
                        <strong>{kind}</strong> <span class="muted">{n === 1 ? '1 record' : `${String(n)} records`}</span>
                      </li>
                    ))}
                  </ul>
                  <p class="muted small">The download lists every record as it is stored.</p>
                </>
              )}
              {/* Not in the app's storage, and so not in the download: what this browser tab keeps (README, "A reload
                  shows the last view first"). */}
              <p class="muted small">
                This browser tab also keeps your Microsoft 365 access token and, for SharePoint lists and documents you viewed, a copy of what
                they showed you, until you close the tab or sign out.
              </p>
              <div class="actions">
                <a class="button" href={download} download={`microsoft-365-app-my-data-${state.data.exportedAt.slice(0, 10)}.json`}>Download (JSON)</a>
                {records.length > 0 && <button type="button" onClick={() => { setConfirming(true); }}>Delete all my data</button>}
              </div>
              {confirming && (
                <ConfirmDialog title="Delete all your data in this app?" confirmLabel="Delete all my data" tone="danger" busy={busy} onConfirm={() => void remove()} onCancel={() => { setConfirming(false); }}>
                  <p>
                    This deletes {records.length === 1 ? 'the record' : `all ${String(records.length)} records`} the app stores about you, including your Microsoft 365 connection. To use
                    Microsoft 365 here again, you connect again. This can’t be undone.
                  </p>
                </ConfirmDialog>
              )}
            </>
          )}
        </div>
      )}
    </div>
  );
}
