// The product page's side of the Custom UI bridge: answers the iframes' callBridge messages the way
// Jira and Confluence do (invoke through the platform, context, navigation, resize).
(() => {
  'use strict';
  const cdnOrigin = document.body.dataset.cdnOrigin;
  const pageContext = JSON.parse(document.body.dataset.context || '{}');
  // The user's locale and time zone, known to the product before any app asks (Jira and Confluence have them
  // from the user's profile; here the browser's). Read once with the page: asked on a frame's first
  // getContext, the page's first Intl use (ICU data) held that answer 20–40 ms on a new page — a cost the
  // real product paid long before, which made a cold macro slower here than for a customer.
  const userLocale = navigator.language || 'en-US';
  const userTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const frames = () => Array.from(document.querySelectorAll('iframe[data-forge-extension]'));
  const descriptor = (frame) => JSON.parse(frame.dataset.forgeExtension);
  // Production Microsoft origin → the local origin serving it (pages/layout.ts): what DNS would do for a deployed app.
  const microsoftHosts = JSON.parse(document.body.dataset.microsoftHosts || '{}');
  const reachable = (u) => {
    const url = new URL(u, location.href);
    const local = microsoftHosts[url.origin];
    return local ? `${local}${url.pathname}${url.search}${url.hash}` : u;
  };
  const isWebUrl = (u) => { try { return ['http:', 'https:'].includes(new URL(u, location.href).protocol); } catch { return false; } };

  async function invoke(ext, payload) {
    const res = await fetch('/__host/invoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ moduleKey: ext.moduleKey, localId: ext.localId, extension: ext.extension, functionKey: payload.functionKey, payload: payload.payload ?? {} }),
    });
    const body = await res.json();
    if (!body.ok) throw Object.assign(new Error(body.error.message), { name: body.error.name || 'InvocationError' });
    return body.value;
  }

  const bridgeError = (message) => Object.assign(new Error(message), { name: 'BridgeAPIError' });

  // router.open / router.navigate (developer.atlassian.com/platform/forge/custom-ui-bridge/router/): "If you're
  // linking to an external site, the user is prompted before opening the link in a new tab [window]. If the user
  // declines to proceed, the returned Promise is rejected. If you're using relative URLs (starts with /), the user
  // won't be prompted." So: a relative URL goes without asking (navigate in this tab, open in a new one); any
  // absolute URL asks first in a dialog of the page's own, outside the app's frame, and opens in a new tab only
  // on Continue. Stricter where the docs are silent: an absolute URL asks even when it names this site (only
  // relative URLs are promised no prompt), `//host/…` counts as absolute, and the rejection's name and message are
  // the host's (the docs name neither: an app must treat any rejection as "declined"). The wording is the host's.
  const isRelative = (u) => typeof u === 'string' && u.startsWith('/') && !u.startsWith('//') && !u.startsWith('/\\');
  const leaving = (() => {
    let dialog;
    let queue = Promise.resolve();
    function build() {
      dialog = document.createElement('dialog');
      dialog.className = 'leaving';
      dialog.setAttribute('aria-labelledby', 'leaving-title');
      dialog.setAttribute('aria-describedby', 'leaving-body');
      const title = Object.assign(document.createElement('h2'), { id: 'leaving-title', className: 'dialog-title', textContent: 'You’re leaving this site' });
      const body = Object.assign(document.createElement('p'), { id: 'leaving-body' });
      const actions = Object.assign(document.createElement('div'), { className: 'dialog-actions' });
      const cancel = Object.assign(document.createElement('button'), { type: 'button', className: 'subtle', textContent: 'Cancel' });
      const go = Object.assign(document.createElement('button'), { type: 'button', className: 'primary', textContent: 'Continue' });
      cancel.dataset.leaving = 'cancel';
      go.dataset.leaving = 'continue';
      actions.append(cancel, go);
      dialog.append(title, body, actions);
      document.body.append(dialog);
    }
    // The ::backdrop's clicks arrive on the dialog itself; only those outside its box are the blanket's.
    const outside = (el, e) => {
      const r = el.getBoundingClientRect();
      return e.clientX < r.left || e.clientX > r.right || e.clientY < r.top || e.clientY > r.bottom;
    };
    // One question at a time: a second call waits for the first to be answered.
    function ask(url, onContinue) {
      const run = () => new Promise((resolve, reject) => {
        if (!dialog) build();
        const host = new URL(url, location.href).host;
        const body = dialog.querySelector('#leaving-body');
        const strong = Object.assign(document.createElement('strong'), { textContent: host });
        body.replaceChildren('An app on this page wants to open ', strong, ' in a new tab. Continue only if you expected to go there.');
        const answer = (yes) => {
          dialog.removeEventListener('click', onClick);
          dialog.removeEventListener('cancel', onCancel);
          dialog.close();
          if (!yes) return reject(Object.assign(new Error(`The user did not continue to ${host}.`), { name: 'BridgeAPIError' }));
          // In the click's user activation, so the browser lets the tab open.
          onContinue();
          resolve(true);
        };
        const onClick = (e) => {
          const choice = e.target.closest && e.target.closest('[data-leaving]');
          if (choice) answer(choice.dataset.leaving === 'continue');
          else if (e.target === dialog && outside(dialog, e)) answer(false); // a click on the blanket (modal-dialog's `shouldCloseOnOverlayClick`, default true)
        };
        const onCancel = (e) => { e.preventDefault(); answer(false); }; // Esc (`shouldCloseOnEscapePress`, default true)
        dialog.addEventListener('click', onClick);
        dialog.addEventListener('cancel', onCancel);
        dialog.showModal();
        // Focus moves into the dialog on open, as @atlaskit/modal-dialog's does (its `autoFocus` names the element,
        // else the first interactive one: atlassian.design/components/modal-dialog/code); the host names Continue.
        dialog.querySelector('[data-leaving="continue"]').focus();
      });
      const answered = queue.then(run);
      queue = answered.catch(() => undefined);
      return answered;
    }
    return { ask };
  })();

  function go(url, type) {
    if (typeof url !== 'string' || !url || !isWebUrl(url)) throw new Error('Only http(s) URLs can be opened.');
    if (isRelative(url)) {
      if (type === 'new-tab') window.open(url, '_blank', 'noopener');
      else location.assign(url);
      return true;
    }
    // "… prompted before opening the link in a new tab": an external navigate opens a tab too.
    return leaving.ask(url, () => window.open(reachable(url), '_blank', 'noopener'));
  }

  // Functions the page hands a frame (a Subscription's unsubscribe) stay here; the frame gets an id and
  // only the frame it was given to may call it (see bridge-shim.js).
  const hostFns = new Map();
  const hostFn = (frame, fn) => {
    const id = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
    hostFns.set(id, { frame, fn });
    return { __forgeLocalHostFn: id };
  };

  // The bridge's events API (@forge/bridge 7.2.0 out/events/events.js): `emit(event, payload)` calls the host
  // with 'emit' {event, payload}; `on(event, callback)` with 'on' {event, callback} and resolves to the
  // Subscription {unsubscribe} the host answers. "Different Custom UI extensions within the same app"
  // receive `emit`'s events (developer.atlassian.com/platform/forge/apis-reference/ui-api-bridge/events/);
  // `emitPublic`/`onPublic` reach "any add-on modules that are currently presented on the page"
  // (Connect's AP.events, which Forge's public events follow: developer.atlassian.com/cloud/jira/software/jsapi/events/).
  // Stricter where the docs are silent: an app's events reach only frames of the same app, environment
  // and installation, and a payload must be JSON ("The object must be JSON-serializable", @forge/bridge
  // CHANGELOG 1d129f0); blobs arrive here already serialised by the bridge.
  const subscriptions = new Set();
  const appOf = (ext) => (ext.app && typeof ext.app.id === 'string' ? JSON.stringify([ext.app.id, ext.app.environmentId, ext.app.installationId]) : undefined);
  const eventName = (payload) => {
    const name = payload && payload.event;
    if (typeof name !== 'string' || !name) throw bridgeError('An event name must be a non-empty string.');
    return name;
  };
  function subscribe(ext, payload, frame, isPublic) {
    const event = eventName(payload);
    const fn = payload.callback && payload.callback.__forgeLocalFn;
    if (typeof fn !== 'string') throw bridgeError('events.on needs a callback function.');
    const sub = { frame, app: appOf(ext), event, fn, isPublic };
    subscriptions.add(sub);
    return { unsubscribe: hostFn(frame, () => void subscriptions.delete(sub)) };
  }
  function deliver(ext, payload, isPublic) {
    const event = eventName(payload);
    let data;
    try {
      data = payload.payload === undefined ? undefined : JSON.parse(JSON.stringify(payload.payload));
    } catch {
      throw bridgeError('An event payload must be JSON-serializable.');
    }
    const app = appOf(ext);
    for (const sub of subscriptions) {
      // A frame that was removed (a closed dialog) or navigated away gets nothing more.
      if (!sub.frame.isConnected || !sub.frame.contentWindow) {
        subscriptions.delete(sub);
        continue;
      }
      if (sub.isPublic !== isPublic || sub.event !== event) continue;
      if (!isPublic && (app === undefined || sub.app !== app)) continue;
      sub.frame.contentWindow.postMessage({ __forgeLocal: 'callback', fn: sub.fn, args: [data] }, cdnOrigin);
    }
  }

  const handlers = {
    invoke: (ext, payload) => invoke(ext, payload),
    emit: (ext, payload) => void deliver(ext, payload, false),
    on: (ext, payload, frame) => subscribe(ext, payload, frame, false),
    emitPublic: (ext, payload) => void deliver(ext, payload, true),
    onPublic: (ext, payload, frame) => subscribe(ext, payload, frame, true),
    __forgeLocalHostFn: (_ext, payload, frame) => {
      const entry = payload && hostFns.get(payload.id);
      if (!entry || entry.frame !== frame) throw bridgeError('Unknown bridge function.');
      return entry.fn(...(Array.isArray(payload.args) ? payload.args : []));
    },
    getContext: (ext) => ({
      ...pageContext,
      localId: ext.localId,
      moduleKey: ext.moduleKey,
      extension: ext.extension,
      locale: userLocale,
      timezone: userTimeZone,
      // The products' theme state (@atlaskit/tokens ThemeState), as FullContext.theme carries it.
      theme: window.__forgeLocalTheme ? window.__forgeLocalTheme.state() : { colorMode: 'light' },
    }),
    // Forge 7.2.0's router.open sends 'navigate' {type: 'new-tab'}; 'open' is the older bridge's name for it.
    open: (_ext, payload) => go(payload && payload.url, 'new-tab'),
    navigate: (_ext, payload) => go(payload && payload.url, payload && payload.type),
    submit: (ext, payload) => {
      const editor = window.__forgeLocalMacroEditor;
      return editor ? editor.submit(ext, payload) : false;
    },
    close: (ext, _payload, frame) => {
      const editor = window.__forgeLocalMacroEditor;
      if (editor) editor.close(ext);
      // A byline item's view closes its inline dialog.
      const popup = frame && frame.closest('.byline-popup');
      if (popup) closeByline(popup.previousElementSibling, true);
      return true;
    },
    refresh: () => { location.reload(); return true; },
    emitReadyEvent: () => true,
    // view.theme.enable(): the frame gets the product's theme now and follows its changes (host-theme.js).
    enableTheming: (_ext, _payload, frame) => (frame && window.__forgeLocalTheme ? window.__forgeLocalTheme.enable(frame) : { colorMode: 'light' }),
  };

  window.addEventListener('message', async (event) => {
    if (event.origin !== cdnOrigin) return;
    const frame = frames().find((f) => f.contentWindow === event.source);
    if (!frame) return;
    const msg = event.data;
    if (!msg || typeof msg !== 'object') return;
    if (msg.__forgeLocal === 'resize') {
      frame.style.height = `${Math.min(Math.max(Number(msg.height) || 0, 40), 4000)}px`;
      return;
    }
    if (msg.__forgeLocal !== 'call') return;
    const reply = (body) => event.source.postMessage({ __forgeLocal: 'reply', id: msg.id, ...body }, cdnOrigin);
    const handler = handlers[msg.type];
    if (!handler) return reply({ ok: false, error: { name: 'BridgeAPIError', message: `The local host does not support bridge call '${msg.type}'.` } });
    try {
      reply({ ok: true, value: await handler(descriptor(frame), msg.payload, frame) });
    } catch (e) {
      reply({ ok: false, error: { name: e.name || 'Error', message: e.message || String(e) } });
    }
  });

  // Only now, with the listener above in place, do the page's frames load. The products create each frame from
  // the script that answers its bridge; a frame written into the page's HTML started before this script ran,
  // and when this script came late (a slow stylesheet before it holds it back) the frame's first call,
  // getContext, reached a page not yet listening: no answer ever came and the frame stayed empty (the symptom
  // the Confluence page benchmark hit; test/e2e/bridge-events.test.ts delays this script to show it).
  for (const frame of frames()) {
    if (frame.dataset.load === 'now' && !frame.getAttribute('src')) frame.src = frame.dataset.src;
  }

  // Byline items open a popup that loads its iframe on first use, as Confluence does; Esc and a click
  // outside close it, and focus goes back to the byline item.
  function closeByline(button, refocus) {
    const popup = button && button.nextElementSibling;
    if (!popup || popup.hidden) return;
    popup.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    if (refocus) button.focus();
  }
  for (const button of document.querySelectorAll('.byline-toggle')) {
    button.addEventListener('click', () => {
      const popup = button.nextElementSibling;
      const open = popup.hidden;
      popup.hidden = !open;
      button.setAttribute('aria-expanded', String(open));
      const frame = popup.querySelector('iframe');
      if (open && frame && !frame.src) {
        frame.addEventListener('load', () => { if (!popup.hidden) frame.focus(); }, { once: true });
        frame.src = frame.dataset.src;
      } else if (open && frame) frame.focus();
    });
  }
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    if (document.querySelector('dialog.leaving[open]')) return; // Esc is the open modal's (it declines)
    for (const button of document.querySelectorAll('.byline-toggle[aria-expanded="true"]')) closeByline(button, true);
  });
  document.addEventListener('pointerdown', (e) => {
    // A modal over the popup (the leaving confirmation a frame in it asked for) is not "outside" it.
    if (e.target.closest && e.target.closest('dialog.leaving')) return;
    for (const button of document.querySelectorAll('.byline-toggle[aria-expanded="true"]')) {
      if (!button.parentElement.contains(e.target)) closeByline(button, false);
    }
  });

  const switcher = document.querySelector('.switcher select');
  if (switcher) switcher.addEventListener('change', () => switcher.form.submit());
})();

// Confluence's editor, as far as macros go: insert, configure (the macro's config resource in a
// modal, which answers with view.submit({ config })), edit and remove.
(() => {
  'use strict';
  const article = document.querySelector('.confluence-page.editing');
  if (!article) return;
  const pageId = article.dataset.pageId;
  const dialog = document.querySelector('dialog.macro-config');
  const body = dialog.querySelector('.dialog-body');
  const newLocalId = () => (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()));

  function openConfig(moduleKey, localId, config) {
    const template = document.querySelector(`template[data-config-frame="${CSS.escape(moduleKey)}"]`);
    if (!template) return false;
    body.replaceChildren(template.content.cloneNode(true));
    const frame = body.querySelector('iframe');
    const descriptor = JSON.parse(frame.dataset.forgeExtension);
    descriptor.localId = localId;
    descriptor.extension = { ...descriptor.extension, config };
    frame.dataset.forgeExtension = JSON.stringify(descriptor);
    // The modal is titled with the config's title; focus goes into the app's frame once it loads.
    dialog.querySelector('.dialog-title').textContent = frame.title;
    frame.addEventListener('load', () => { if (dialog.open) frame.focus(); }, { once: true });
    frame.src = frame.dataset.src;
    dialog.showModal();
    return true;
  }

  async function save(moduleKey, localId, config) {
    const res = await fetch(`/__host/pages/${encodeURIComponent(pageId)}/macros`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ moduleKey, localId, config }),
    });
    if (!res.ok) throw new Error((await res.json()).error || 'The macro could not be saved.');
  }

  window.__forgeLocalMacroEditor = {
    async submit(ext, payload) {
      // Only the config view in the open dialog can submit; a macro's own view is not submittable.
      const current = body.querySelector('iframe');
      if (!dialog.open || !current || JSON.parse(current.dataset.forgeExtension).localId !== ext.localId) return false;
      if (!payload || typeof payload !== 'object' || !payload.config || typeof payload.config !== 'object' || Array.isArray(payload.config)) {
        throw new Error('Macro configuration must be submitted as view.submit({ config: { … } }).');
      }
      await save(ext.moduleKey, ext.localId, payload.config);
      dialog.close();
      location.reload();
      return true;
    },
    close() {
      dialog.close();
    },
  };

  dialog.addEventListener('close', () => body.replaceChildren());
  // Focus stays in the modal, as Atlassian's modal dialog keeps it (@atlaskit/modal-dialog locks focus): Tab past the
  // app's last control comes back round to its frame (the sentinel after it), and focus that lands outside the
  // dialog anyway — Chromium let it reach a macro frame behind this modal — is brought back.
  const refocus = () => { const frame = body.querySelector('iframe'); if (frame) frame.focus(); };
  dialog.querySelector('.focus-wrap').addEventListener('focus', refocus);
  document.addEventListener('focusin', (e) => { if (dialog.open && !dialog.contains(e.target)) refocus(); });

  article.addEventListener('click', async (event) => {
    const t = event.target.closest('button');
    if (!t) return;
    if (t.dataset.macroInsert) {
      const moduleKey = t.dataset.macroInsert;
      const localId = newLocalId();
      if (!openConfig(moduleKey, localId, undefined)) {
        await save(moduleKey, localId, {});
        location.reload();
      }
    } else if (t.dataset.macroEdit) {
      const holder = t.closest('.macro');
      openConfig(t.dataset.module, t.dataset.macroEdit, JSON.parse(holder.dataset.config || '{}'));
    } else if (t.dataset.macroRemove) {
      await fetch(`/__host/pages/${encodeURIComponent(pageId)}/macros/${encodeURIComponent(t.dataset.macroRemove)}`, { method: 'DELETE' });
      location.reload();
    }
  });
})();
