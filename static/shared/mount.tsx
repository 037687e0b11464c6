import { render, type ComponentChildren } from 'preact';
import { useLayoutEffect, useState } from 'preact/hooks';
import { loadContext, type ViewContext } from './context';
import { bootMark } from './boot-mark';
import { enableTheme } from './theme';
import './ui.css';

export function mount(node: ComponentChildren) {
  enableTheme();
  const root = document.getElementById('root');
  if (root) render(node, root);
}

/**
 * Mounts a Custom UI app once the product has told it where it runs (`view.getContext()`): asked here, or
 * already asked by the resource's entry module (a SharePoint macro's early start passes its promise).
 */
export function mountWithContext(app: (ctx: ViewContext) => ComponentChildren, asked?: Promise<ViewContext>) {
  // Asked before the first render, not in an effect after it: one frame less before any data request.
  bootMark('module');
  const context =
    asked ??
    loadContext().then((c) => {
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
