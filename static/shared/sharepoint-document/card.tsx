import type { DocumentCard } from '../../../src/core/sharepoint/document-card';
import type { FileIconKey } from '../../../src/core/sharepoint/files';
import { router } from '../bridge';
import './document.css';

const ICONS: Record<FileIconKey, [label: string, text: string]> = {
  word: ['Word document', 'W'],
  excel: ['Excel workbook', 'X'],
  powerpoint: ['PowerPoint presentation', 'P'],
  pdf: ['PDF', 'PDF'],
  image: ['Image', 'IMG'],
  video: ['Video', 'VID'],
  audio: ['Audio', 'AUD'],
  zip: ['Archive', 'ZIP'],
  code: ['Code', '</>'],
  text: ['Text file', 'TXT'],
  onenote: ['OneNote notebook', 'N'],
  visio: ['Visio drawing', 'V'],
  folder: ['Folder', 'DIR'],
  generic: ['File', 'FILE'],
};

export function FileIcon({ icon }: { icon: FileIconKey }) {
  const [label, text] = ICONS[icon];
  return (
    <span class={`doc-icon doc-icon-${icon}`} role="img" aria-label={label} title={label}>
      {text}
    </span>
  );
}

// Forge's iframe sandbox has no pop-ups: links open through the host (router.open), and only
// https ones (the core drops desktop-app `ms-word:` links here for that reason).
function open(event: MouseEvent, href: string) {
  event.preventDefault();
  void router.open(href);
}

/** Name, type icon, size, who changed it and when, and the ways to open it. */
export function DocumentCardView({ card }: { card: DocumentCard }) {
  const modified = card.modifiedText
    ? card.modifiedBy
      ? `Modified ${card.modifiedText} by ${card.modifiedBy}`
      : `Modified ${card.modifiedText}`
    : card.modifiedBy
      ? `Modified by ${card.modifiedBy}`
      : '';
  const links = card.links.filter((l) => l.kind !== 'office-desktop');
  return (
    <article class="doc-card" aria-label={card.name}>
      <FileIcon icon={card.icon} />
      <div class="doc-main">
        <h2 class="doc-name">{card.name}</h2>
        <p class="muted doc-meta">{[card.sizeText, modified].filter((s) => s !== '').join(' · ')}</p>
        {links.length > 0 && (
          <p class="doc-links">
            {links.map((l) => (
              <a key={l.kind} href={l.href} target="_blank" rel="noopener noreferrer" onClick={(e) => open(e, l.href)}>
                {l.label}
              </a>
            ))}
          </p>
        )}
      </div>
    </article>
  );
}
