// Injected at the top of every Custom UI page, before the app bundle, as Forge injects its
// global bridge: @forge/bridge finds `globalThis.__bridge.callBridge` at import time.
(() => {
  'use strict';
  const parentOrigin = '__PARENT_ORIGIN__';
  let seq = 0;
  const pending = new Map();
  window.addEventListener('message', (event) => {
    if (event.source !== window.parent || event.origin !== parentOrigin) return;
    const msg = event.data;
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
  const report = () => window.parent.postMessage({ __forgeLocal: 'resize', height: document.documentElement.scrollHeight }, parentOrigin);
  new ResizeObserver(report).observe(document.documentElement);
  window.addEventListener('load', report);
})();
