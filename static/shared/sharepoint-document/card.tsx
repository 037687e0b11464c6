import type { DocumentCard } from '../../../src/core/sharepoint/document-card';
import { router } from '../bridge';
import { FileIcon } from '../sharepoint/file-icon';
import './document.css';

// Forge's iframe sandbox has no pop-ups: links open through the host (router.open), and only
// https ones (the core drops desktop-app `ms-word:` links here for that reason).
function open(event: MouseEvent, href: string) {
  event.preventDefault();
  // A declined "you're leaving" confirmation rejects: the person chose to stay, nothing to report.
  router.open(href).catch(() => undefined);
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
      <FileIcon icon={card.icon} large />
      <div class="doc-main">
        <h2 class="doc-name">{card.name}</h2>
        <p class="muted doc-meta">{[card.sizeText, modified].filter((s) => s !== '').join(' · ')}</p>
        {links.length > 0 && (
          <p class="doc-links">
            {links.map((l) => (
              <a key={l.kind} href={l.href} target="_blank" rel="noopener noreferrer" onClick={(e) => { open(e, l.href); }}>
                {l.label}
              </a>
            ))}
          </p>
        )}
      </div>
    </article>
  );
}

/**
 * The card's shape while SharePoint answers: the same box, icon place and lines in the same type, skeleton
 * shapes in design-token colour, and one line saying what is happening. The card then takes its place
 * without moving anything, and its text is not the frame's first in those sizes and weights: a renderer's
 * first text in a new size or weight looks the font up (5–8 ms in a Chromium trace of the macro, issue 8),
 * better done while Graph answers than between the answer and the card.
 */
export function DocumentCardPlaceholder() {
  return (
    <section aria-label="SharePoint document" aria-busy="true" data-placeholder>
      <div class="doc-card">
        <span class="file-icon file-icon-large doc-skeleton" aria-hidden="true"><span>DOC</span></span>
        <div class="doc-main">
          <p class="doc-name" aria-hidden="true"><span class="doc-skeleton"><span>Document name</span></span></p>
          <p class="muted doc-meta" role="status">Loading the document from SharePoint…</p>
          <p class="doc-links" aria-hidden="true"><span class="doc-skeleton"><span>Open in SharePoint</span></span></p>
        </div>
      </div>
    </section>
  );
}
