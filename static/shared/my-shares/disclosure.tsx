import { useEffect, useId, useState } from 'preact/hooks';
import type { FunctionComponent } from 'preact';

/**
 * Confluence has no personal settings page: the Microsoft 365 byline opens "Your shares" here. The
 * list's code loads only when it is opened, so the byline stays small.
 */
export function MySharesDisclosure({ accountId }: { accountId: string | undefined }) {
  const [open, setOpen] = useState(false);
  const [Page, setPage] = useState<FunctionComponent<{ accountId: string | undefined }> | undefined>();
  const region = useId();
  useEffect(() => {
    if (open && !Page) void import('./page').then((m) => { setPage(() => m.MyShares); });
  }, [open, Page]);
  if (!accountId) return null;
  return (
    <div class="my-data">
      <button type="button" class="disclosure" aria-expanded={open} aria-controls={region} onClick={() => { setOpen(!open); }}>Your shares</button>
      {open && <div id={region}>{Page ? <Page accountId={accountId} /> : <p class="muted" role="status">Loading…</p>}</div>}
    </div>
  );
}
