import { FILE_ICONS, type FileIconKey } from '../../../src/core/sharepoint/files';
import './file-icon.css';

/** A file type badge, named for screen readers; `large` on the Document card, small in table rows. */
export function FileIcon({ icon, large = false }: { icon: FileIconKey; large?: boolean }) {
  const { label, text } = FILE_ICONS[icon];
  return (
    <span class={`file-icon file-icon-${icon}${large ? ' file-icon-large' : ''}`} role="img" aria-label={label} title={label}>
      {text}
    </span>
  );
}
