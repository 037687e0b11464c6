// Injected at the top of every Custom UI page, before the app bundle, as Forge injects its
// global bridge: @forge/bridge finds `globalThis.__bridge.callBridge` at import time.
(() => {
  'use strict';
  const parentOrigin = '__PARENT_ORIGIN__';
  let seq = 0;
  const pending = new Map();
  // view.theme.enable(): what @atlaskit/tokens' setGlobalTheme does in the frame — load each theme's CSS
  // (here linked from the host, so the frame's CSP needs no inline style), then set `data-theme` and
  // `data-color-mode` on <html> (set-global-theme.js, utils/configure-page.js). Later changes arrive as
  // 'theme' messages from the product page.
  const themeIds = (t) => [t.light, t.dark, t.spacing, t.shape, t.typography].filter((id) => typeof id === 'string' && /^[a-z0-9-]+$/.test(id));
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
    if (!msg || msg.__forgeLocal !== 'reply') return;
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.value);
    else p.reject(Object.assign(new Error(msg.error.message), { name: msg.error.name }));
  });
  window.__bridge = {
    callBridge(type, payload) {
      return new Promise((resolve, reject) => {
        const id = ++seq;
        pending.set(id, { resolve, reject });
        window.parent.postMessage({ __forgeLocal: 'call', id, type, payload }, parentOrigin);
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
