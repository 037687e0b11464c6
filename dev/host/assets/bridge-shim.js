// Injected at the top of every Custom UI page, before the app bundle, as Forge injects its
// global bridge: @forge/bridge finds `globalThis.__bridge.callBridge` at import time.
(() => {
  'use strict';
  const parentOrigin = '__PARENT_ORIGIN__';
  let seq = 0;
  const pending = new Map();
  // Functions do not survive postMessage, yet Forge's bridge passes them both ways (events.on's callback,
  // the Subscription's unsubscribe: @forge/bridge out/events/events.js). They travel as ids: the frame keeps
  // its callbacks and the page calls them by id; the page's functions come back as stubs that call it.
  // Ids are random, so a reloaded frame never runs a callback meant for its previous document.
  const callbacks = new Map();
  const isPlain = (v) => v !== null && typeof v === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(v));
  const encode = (v) => {
    if (typeof v === 'function') {
      const id = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
      callbacks.set(id, v);
      return { __forgeLocalFn: id };
    }
    if (Array.isArray(v)) return v.map(encode);
    return isPlain(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x)])) : v;
  };
  const decode = (v) => {
    if (Array.isArray(v)) return v.map(decode);
    if (!isPlain(v)) return v;
    if (typeof v.__forgeLocalHostFn === 'string') {
      const id = v.__forgeLocalHostFn;
      return (...args) => window.__bridge.callBridge('__forgeLocalHostFn', { id, args });
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  };
  // view.theme.enable(): what @atlaskit/tokens' setGlobalTheme does in the frame — load each theme's CSS
  // (here linked from the host, so the frame's CSP needs no inline style), then set `data-theme` and
  // `data-color-mode` on <html> (set-global-theme.js, utils/configure-page.js). Later changes arrive as
  // 'theme' messages from the product page. Which CSS: the colour mode's own theme (both only for `auto`),
  // then shape, spacing and typography (utils/get-theme-preferences.js) — a light frame never parses dark.css
  // until the product switches to dark.
  const themeIds = (t) => [...(t.colorMode === 'auto' ? [t.light, t.dark] : [t.colorMode === 'dark' ? t.dark : t.light]), t.shape, t.spacing, t.typography].filter((id) => typeof id === 'string' && /^[a-z0-9-]+$/.test(id));
  function applyTheme(t) {
    if (!t || typeof t !== 'object') return Promise.resolve();
    const loads = themeIds(t).map((id) => {
      if (document.head.querySelector(`link[data-theme="${id}"]`)) return Promise.resolve();
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = `/__cdn/__tokens/${id}.css`;
      link.dataset.theme = id;
      const loaded = new Promise((resolve) => { link.onload = link.onerror = () => resolve(); });
      document.head.appendChild(link);
      return loaded;
    });
    return Promise.all(loads).then(() => {
      const root = document.documentElement;
      root.setAttribute('data-theme', `dark:${t.dark} light:${t.light} shape:${t.shape} spacing:${t.spacing} typography:${t.typography}`);
      root.setAttribute('data-color-mode', t.colorMode === 'dark' ? 'dark' : 'light');
    });
  }
  window.addEventListener('message', (event) => {
    if (event.source !== window.parent || event.origin !== parentOrigin) return;
    const msg = event.data;
    if (msg && msg.__forgeLocal === 'theme') {
      void applyTheme(msg.theme);
      return;
    }
    if (msg && msg.__forgeLocal === 'callback') {
      const fn = callbacks.get(msg.fn);
      if (fn) Promise.resolve().then(() => fn(...(Array.isArray(msg.args) ? msg.args : []))).catch((e) => console.error(e));
      return;
    }
    if (!msg || msg.__forgeLocal !== 'reply') return;
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.ok) p.resolve(decode(msg.value));
    else p.reject(Object.assign(new Error(msg.error.message), { name: msg.error.name }));
  });
  window.__bridge = {
    callBridge(type, payload) {
      return new Promise((resolve, reject) => {
        const id = ++seq;
        pending.set(id, { resolve, reject });
        window.parent.postMessage({ __forgeLocal: 'call', id, type, payload: encode(payload) }, parentOrigin);
      });
    },
  };
  // The theme is applied before enable() resolves, as setGlobalTheme resolves once the CSS is in.
  const send = window.__bridge.callBridge;
  window.__bridge.callBridge = (type, payload) => (type === 'enableTheming' ? send(type, payload).then(applyTheme) : send(type, payload));
  const report = () => window.parent.postMessage({ __forgeLocal: 'resize', height: document.documentElement.scrollHeight }, parentOrigin);
  new ResizeObserver(report).observe(document.documentElement);
  window.addEventListener('load', report);
})();
