import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import './confirm-dialog.css';

interface Props {
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  /** `danger` for what cannot be undone, as Atlassian's modals do. */
  tone?: 'primary' | 'danger';
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * A confirmation in Atlassian's modal style. It stays in the document flow where it was opened
 * (a blanket covers the rest), not in the top layer: Custom UI iframes are sized to their content,
 * and a fixed, centred dialog could land outside a short panel or far from the button in a long page.
 * Focus moves to its first button (Cancel) and back to the opener; Esc and the blanket cancel; Tab stays inside.
 */
export function ConfirmDialog({ title, children, confirmLabel, tone = 'primary', busy = false, onConfirm, onCancel }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    // As Atlassian's modal dialog: focus on the first interactive element (Cancel, the safe choice).
    (ref.current?.querySelector<HTMLElement>('button:not([disabled])') ?? ref.current)?.focus();
    return () => {
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      if (!busy) onCancel();
      return;
    }
    if (e.key !== 'Tab' || !ref.current) return;
    const focusable = [...ref.current.querySelectorAll<HTMLElement>('button:not([disabled]), [href], input:not([disabled])')];
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (!first || !last) return;
    const at = document.activeElement;
    if (e.shiftKey && (at === first || at === ref.current)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && at === last) {
      e.preventDefault();
      first.focus();
    }
  }

  return (
    <>
      <div class="m365-blanket" onClick={busy ? undefined : onCancel} />
      <div ref={ref} class="m365-modal" role="dialog" aria-modal="true" aria-labelledby={titleId} aria-describedby={bodyId} tabIndex={-1} onKeyDown={onKeyDown}>
        <h2 id={titleId} class="m365-modal-title">{title}</h2>
        <div id={bodyId} class="m365-modal-body">{children}</div>
        <div class="m365-modal-footer">
          <button type="button" class="subtle" onClick={onCancel} disabled={busy}>Cancel</button>
          <button type="button" class={tone} onClick={onConfirm} disabled={busy} aria-busy={busy}>{confirmLabel}</button>
        </div>
      </div>
    </>
  );
}
