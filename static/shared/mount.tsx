import { render, type ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { loadContext, type ViewContext } from './context';
import './ui.css';

export function mount(node: ComponentChildren) {
  const root = document.getElementById('root');
  if (root) render(node, root);
}

/** Mounts a Custom UI app once the product has told it where it runs (`view.getContext()`). */
export function mountWithContext(app: (ctx: ViewContext) => ComponentChildren) {
  function Shell() {
    const [ctx, setCtx] = useState<ViewContext | null>(null);
    useEffect(() => void loadContext().then(setCtx), []);
    return ctx ? <>{app(ctx)}</> : null;
  }
  mount(<Shell />);
}
