import { theme } from '@forge/bridge/out/view/theme';
import { render, type ComponentChildren } from 'preact';
import { useLayoutEffect, useState } from 'preact/hooks';
import { loadContext, type ViewContext } from './context';
import { bootMark } from './boot-mark';
import './ui.css';

/**
 * Asks the product for its theme (`view.theme.enable()`): it sets `data-color-mode` on <html> and brings
 * the Atlassian design tokens, and follows the product when the user switches light/dark. The CSS uses
 * `var(--ds-…, light fallback)`, so a product without theming still shows the light look.
 */
function enableTheme() {
  void theme.enable().catch(() => undefined);
}

export function mount(node: ComponentChildren) {
  enableTheme();
  const root = document.getElementById('root');
  if (root) render(node, root);
}

/** Mounts a Custom UI app once the product has told it where it runs (`view.getContext()`). */
export function mountWithContext(app: (ctx: ViewContext) => ComponentChildren) {
  // Asked before the first render, not in an effect after it: one frame less before any data request.
  bootMark('module');
  const context = loadContext().then((c) => {
    bootMark('context');
    return c;
  });
  function Shell() {
    const [ctx, setCtx] = useState<ViewContext | null>(null);
    useLayoutEffect(() => void context.then(setCtx), []);
    return ctx ? <>{app(ctx)}</> : null;
  }
  mount(<Shell />);
}
