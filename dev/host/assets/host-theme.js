// The product's colour theme, as Jira and Confluence apply it: `data-color-mode` and `data-theme` on
// <html> (the attributes @atlaskit/tokens' setGlobalTheme sets; the theme CSS is linked in the head),
// chosen with the switch in the top bar and kept per browser. Loaded in the head, before the page
// paints. Frames that called `view.theme.enable()` get the theme, and every later change, from here.
(() => {
  'use strict';
  const KEY = 'forge-local-theme';
  const CHOICES = ['light', 'dark', 'auto'];
  const dark = window.matchMedia('(prefers-color-scheme: dark)');
  const read = () => {
    try {
      const v = localStorage.getItem(KEY);
      return CHOICES.includes(v) ? v : 'light';
    } catch {
      return 'light';
    }
  };
  let choice = read();
  // "Match browser" (the products' `auto`) resolves to the OS setting; frames get the resolved mode.
  const colorMode = () => (choice === 'auto' ? (dark.matches ? 'dark' : 'light') : choice);
  const state = () => ({ colorMode: colorMode(), light: 'light', dark: 'dark', spacing: 'spacing', shape: 'shape', typography: 'typography-adg3' });
  const themed = new Set();

  function apply() {
    const s = state();
    const root = document.documentElement;
    root.setAttribute('data-theme', `dark:${s.dark} light:${s.light} shape:${s.shape} spacing:${s.spacing} typography:${s.typography}`);
    root.setAttribute('data-color-mode', s.colorMode);
    const origin = document.body && document.body.dataset.cdnOrigin;
    for (const frame of themed) {
      if (!frame.isConnected) themed.delete(frame);
      else if (frame.contentWindow && origin) frame.contentWindow.postMessage({ __forgeLocal: 'theme', theme: s }, origin);
    }
  }

  window.__forgeLocalTheme = {
    state,
    /** `view.theme.enable()` from `frame`: it follows the theme from now on. */
    enable(frame) {
      themed.add(frame);
      return state();
    },
  };
  apply();
  dark.addEventListener('change', () => { if (choice === 'auto') apply(); });
  // Another tab of this browser switched: follow it, as the products do after a reload.
  window.addEventListener('storage', (e) => {
    if (e.key !== KEY) return;
    choice = read();
    apply();
    const select = document.querySelector('select[name="theme"]');
    if (select) select.value = choice;
  });
  document.addEventListener('DOMContentLoaded', () => {
    const select = document.querySelector('select[name="theme"]');
    if (!select) return;
    select.value = choice;
    select.addEventListener('change', () => {
      choice = CHOICES.includes(select.value) ? select.value : 'light';
      try { localStorage.setItem(KEY, choice); } catch { /* private mode: this page only */ }
      apply();
    });
  });
})();
