import { render, type ComponentChildren } from 'preact';
import './ui.css';

export function mount(node: ComponentChildren) {
  const root = document.getElementById('root');
  if (root) render(node, root);
}
