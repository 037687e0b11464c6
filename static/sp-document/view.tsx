import { useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { afterPaint } from '../shared/after-paint';
import { DEFAULT_HOST_POLICY } from '../../src/core/sharepoint/hosts';
import { parseDocumentMacroConfig, type DocumentMacroConfig } from '../../src/core/sharepoint/config';
import { afterItemFailure, readRedeemed } from '../../src/core/sharepoint/document-access';
import { documentCard, type DocumentCard } from '../../src/core/sharepoint/document-card';
import { readOriginAliases, thumbnailUrl } from '../../src/core/sharepoint/embed';
import { createFormatContext } from '../../src/core/sharepoint/format-context';
import { PREVIEW_RENEW_AFTER_MS } from '../../src/core/sharepoint/preview';
import { documentItemRequest, previewRequest, readPreviewUrl } from '../../src/core/sharepoint/requests';
import { macroTitle, viewerState, type FailureTarget, type ViewerState } from '../../src/core/sharepoint/states';
import { AccountControl } from '../shared/account-control';
import type { ViewContext } from '../shared/context';
import { mountWithContext } from '../shared/mount';
import { DocumentCardPlaceholder, DocumentCardView } from '../shared/sharepoint-document/card';
import type { Session } from '../shared/session';
import { createGraphSender } from '../shared/graph-send';
import { graphFetch } from '../shared/sharepoint/early';
import { useMacroRefusal } from '../shared/sharepoint/macro-policy';
import { StateMessage } from '../shared/sharepoint/state-message';
import { useConnection } from '../shared/sharepoint/use-connection';
import type { AccountState } from '../shared/use-account';

const POLICY = DEFAULT_HOST_POLICY;

/** The session's aliases, read as strictly as the server read them (the token sat in sessionStorage). */
const readAliases = (value: unknown) => {
  const originAliases = readOriginAliases(value);
  return originAliases ? { originAliases } : {};
};

interface Account { session: Session; connect: () => Promise<void>; retry: () => void }
/** `pending`: the card is on screen, the preview answer is not in yet (its place is kept meanwhile). */
type Preview = { kind: 'pending' } | { kind: 'frame'; url: string } | { kind: 'image'; url: string } | { kind: 'none' };
type Load =
  | { kind: 'loading' }
  | { kind: 'retrying'; state: ViewerState }
  | { kind: 'failed'; state: ViewerState }
  | { kind: 'shown'; card: DocumentCard; preview: Preview };

/**
 * The configured document, fetched with the viewer's own token: SharePoint answers only if this
 * viewer may open it. The card and the preview are asked for together (one round trip); the card is shown
 * as soon as its own answer is in, the preview's place held until the preview's answer follows. A viewer who
 * can open the file only through the macro's sharing link redeems it first, once (two more).
 */
function DocumentPanel({ account, config, ctx }: { account: Account; config: DocumentMacroConfig; ctx: ViewContext }) {
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);
  // The name Graph last showed this viewer (none before the first answer): the macro keeps it as its
  // title while SharePoint is busy or a later request failed, so several macros on a page can be told apart.
  const shownName = useRef<string | undefined>(undefined);
  const targetNow = (): FailureTarget => (shownName.current !== undefined ? { kind: 'document', name: shownName.current } : { kind: 'document' });

  // Layout effect: the requests start right after render, not after an animation frame.
  useLayoutEffect(() => {
    const session = account.session;
    // An object, not a `let`: the cleanup below flips it, which narrowing inside this closure can't see.
    const run = { live: true, shown: false };
    // Read through a call: after one `await` TypeScript would keep the first check's narrowing.
    const gone = () => !run.live;
    // Ids only are stored: the document is named once Graph has shown it to this viewer.
    const target = targetNow();
    const graph = createGraphSender({
      session,
      fetch: graphFetch,
      onRetry: (e) => {
        // Once the card is shown, a busy SharePoint (the preview, or its renewal) leaves it on screen.
        if (run.live && !run.shown) setLoad({ kind: 'retrying', state: viewerState(e, target) });
      },
    });
    /** Frames only from SharePoint, images also from the thumbnail service; where the session says a
     * Microsoft host is served elsewhere (the local host), that origin is judged as the public one. */
    const embedPolicy = async () => {
      const token = await session.token();
      return token.ok ? { ...POLICY, ...readAliases(token.value.originAliases) } : POLICY;
    };
    // Made before the answers arrive: a frame's first Intl formatters cost several milliseconds (ICU data),
    // better spent while Graph is still answering than between its answer and the card.
    const fmt = createFormatContext({ locale: ctx.locale ?? 'en-US', timeZone: ctx.timezone ?? 'UTC' });
    void (async () => {
      setLoad({ kind: 'loading' });
      // Both leave at once; the card does not wait for the preview.
      let preview = graph.send(previewRequest(config));
      let item = await graph.send(documentItemRequest(config));
      if (gone()) return;
      // Refused by id: a viewer who can open the file only through the kept sharing link redeems it, then
      // reads the preview by id like any reader (src/core/sharepoint/document-access.ts). Once per viewer.
      if (!item.ok) {
        const next = afterItemFailure(item.error, config);
        if (next.action === 'redeem') {
          const shared = await graph.send(next.request);
          if (gone()) return;
          item = shared.ok ? readRedeemed(shared.value, config) : shared;
          // The first preview answer was refused like the item: ask again, now that the link is redeemed.
          if (item.ok) preview = graph.send(previewRequest(config));
        }
      }
      if (!item.ok) {
        const state = viewerState(item.error, target);
        setLoad({ kind: 'failed', state });
        // The session ended for good (a 401 after the silent refresh): let the account control take over.
        if (state.code === 'MS_SIGN_IN_REQUIRED') account.retry();
        return;
      }
      const card = documentCard(item.value, fmt, POLICY);
      if (!card.ok) {
        setLoad({ kind: 'failed', state: viewerState(card.error, target) });
        return;
      }
      shownName.current = card.value.name;
      // The card first: name, size, who changed it, the links — the preview's place is held meanwhile.
      setLoad({ kind: 'shown', card: card.value, preview: { kind: 'pending' } });
      run.shown = true;
      // The preview's frame after the card has been painted: when both answers came together, creating and
      // laying out a frame in the card's paint delayed the card (a Chromium trace), and the preview loads a
      // whole page anyway.
      const [answer, embed] = await Promise.all([preview, embedPolicy(), afterPaint()]);
      if (gone()) return;
      let shown: Preview = { kind: 'none' };
      const url = answer.ok ? readPreviewUrl(answer.value, embed) : undefined;
      if (url?.ok) shown = { kind: 'frame', url: url.value };
      else {
        const thumb = thumbnailUrl(item.value, embed);
        if (thumb !== undefined) shown = { kind: 'image', url: thumb };
      }
      setLoad((cur) => (cur.kind === 'shown' ? { ...cur, preview: shown } : cur));
      if (shown.kind === 'frame') renewPreview();
    })();
    // The preview URL is short-lived: on a page left open a new one is asked for shortly before it expires
    // (src/core/sharepoint/preview.ts). A failed renewal keeps the frame as it is and tries again next time.
    let renewal: ReturnType<typeof setTimeout> | undefined;
    function renewPreview() {
      renewal = setTimeout(() => {
        void (async () => {
          const [again, embed] = await Promise.all([graph.send(previewRequest(config)), embedPolicy()]);
          if (!run.live) return;
          const url = again.ok ? readPreviewUrl(again.value, embed) : undefined;
          if (url?.ok) setLoad((cur) => (cur.kind === 'shown' && cur.preview.kind === 'frame' ? { ...cur, preview: { kind: 'frame', url: url.value } } : cur));
          renewPreview();
        })();
      }, PREVIEW_RENEW_AFTER_MS);
    }
    return () => {
      run.live = false;
      clearTimeout(renewal);
    };
  }, [account.session, config, attempt]);

  const title = macroTitle(targetNow());
  switch (load.kind) {
    case 'loading':
      return <DocumentCardPlaceholder />;
    case 'retrying':
      return (
        <section class="doc-state" aria-label={title}>
          <h2 class="doc-name">{title}</h2>
          <p class="notice" role="status">Retrying… {load.state.message}</p>
        </section>
      );
    case 'failed':
      return (
        <section class="doc-state" aria-label={title}>
          <h2 class="doc-name">{title}</h2>
          <StateMessage state={load.state} />
          {load.state.action === 'retry' && <button type="button" onClick={() => { setAttempt((a) => a + 1); }}>Try again</button>}
          {load.state.action === 'signIn' && <button type="button" class="primary" onClick={() => void account.connect()}>Connect Microsoft 365</button>}
        </section>
      );
    case 'shown':
      return (
        // The tab's copy of this view is made from it (static/shared/sharepoint/tab-copy.ts).
        <section aria-label="SharePoint document" data-copyable>
          <DocumentCardView card={load.card} />
          <DocumentPreview preview={load.preview} name={load.card.name} />
        </section>
      );
  }
}

/**
 * The preview's place: held at the frame's height from the moment the card shows, with a placeholder in
 * design-token colours until SharePoint's preview URL is in and the frame has loaded it (so the card above
 * never moves). A thumbnail sits in the same place; "no preview" is one line.
 */
function DocumentPreview({ preview, name }: { preview: Preview; name: string }) {
  // The URL whose frame has loaded: a renewed URL reloads the frame, and the placeholder covers it meanwhile.
  const [loaded, setLoaded] = useState<string | undefined>(undefined);
  if (preview.kind === 'none') return <p class="muted">SharePoint offers no preview of this document.</p>;
  if (preview.kind === 'image') {
    return (
      <div class="doc-preview-area">
        <img class="doc-thumb" src={preview.url} alt={`Thumbnail of ${name}`} referrerpolicy="no-referrer" />
      </div>
    );
  }
  const busy = preview.kind === 'pending' || loaded !== preview.url;
  return (
    <div class="doc-preview-area" aria-busy={busy ? 'true' : 'false'}>
      {preview.kind === 'frame' && (
        <iframe
          class="doc-preview"
          title={`Preview of ${name}`}
          src={preview.url}
          sandbox="allow-scripts allow-same-origin allow-forms allow-downloads"
          referrerpolicy="no-referrer"
          onLoad={() => { setLoaded(preview.url); }}
        />
      )}
      {busy && <div class="doc-preview-placeholder" role="status">Loading preview…</div>}
    </div>
  );
}

/** A cached session token costs no round trip; without one, one resolver call (no `/me`). */
function DocumentMacro({ ctx, config }: { ctx: ViewContext; config: DocumentMacroConfig }) {
  const conn = useConnection(ctx.accountId);
  const refusal = useMacroRefusal(config.siteId, conn);
  const account = useMemo(() => (conn.session ? { session: conn.session, connect: conn.connect, retry: conn.retry } : undefined), [conn.session, conn.connect, conn.retry]);
  const target: FailureTarget = { kind: 'document' };
  if (refusal) {
    return (
      <section class="doc-state" aria-label="SharePoint document">
        <StateMessage state={viewerState(refusal, target)} />
      </section>
    );
  }
  if (conn.state.kind === 'refused') return null;
  if (conn.state.kind === 'ready' && account) return <DocumentPanel account={account} config={config} ctx={ctx} />;
  // Ready without a session can't happen (a token needs an account); show the check meanwhile.
  const state: AccountState = conn.state.kind === 'ready' ? { kind: 'loading' } : conn.state;
  return (
    <section class="doc-state" aria-label="SharePoint document">
      <AccountControl state={state} ask={viewerState({ code: 'MS_SIGN_IN_REQUIRED', message: '' }, target).message} onConnect={conn.connect} onSignOut={() => undefined} />
    </section>
  );
}

function DocumentApp({ ctx }: { ctx: ViewContext }) {
  // A malformed or hostile stored config is refused before anything is requested.
  const config = useMemo(() => parseDocumentMacroConfig(ctx.extension['config'], POLICY), [ctx]);
  if (!config.ok) return <p class="error" role="alert">{config.error.message}</p>;
  if (ctx.accountId === undefined) return <p class="notice" role="status">Log in to see this SharePoint document.</p>;
  return <DocumentMacro ctx={ctx} config={config.value} />;
}

/** Shows the macro once the context its entry module asked for is in (static/sp-document/main.tsx). */
export function show(context: Promise<ViewContext>): void {
  mountWithContext((ctx) => <DocumentApp ctx={ctx} />, context);
}
