import { useMemo, useRef, useState } from 'preact/hooks';
import type { MailView } from '../../../src/contracts/sharing';
import { cleanMail } from './mail-html';

const MAX_HEIGHT = 480;

/**
 * One mail body in a contained frame: `srcdoc` with the sanitised HTML, sandboxed without scripts
 * (links may open a new tab, nothing else), sized to its content up to a limit, then scrolling.
 * `allow-same-origin` only lets this panel measure the frame; with no `allow-scripts` nothing inside runs.
 */
export function MailBody({ mail }: { mail: MailView }) {
  const clean = useMemo(() => cleanMail(mail.body, mail.inlineImages), [mail]);
  const ref = useRef<HTMLIFrameElement>(null);
  const [height, setHeight] = useState(60);
  const fit = () => {
    const doc = ref.current?.contentDocument;
    if (doc) setHeight(Math.min(MAX_HEIGHT, Math.max(24, doc.documentElement.scrollHeight)));
  };
  // The server leaves out inline pictures over its caps (counted), and the body still names them by cid:, so the
  // frame finds them missing too: the same picture, once. (Added up, one picture read "2 pictures".)
  const omitted = Math.max(mail.inlineImagesOmitted, clean.inlineImagesMissing);
  return (
    <>
      {clean.remoteImagesHidden > 0 && (
        <p class="mail-note" role="note">
          {clean.remoteImagesHidden === 1 ? '1 image from the internet was' : `${String(clean.remoteImagesHidden)} images from the internet were`} not loaded: they could tell the sender that this mail was read.
        </p>
      )}
      {omitted > 0 && <p class="mail-note" role="note">{omitted === 1 ? '1 picture in this mail is' : `${String(omitted)} pictures in this mail are`} too large to show here.</p>}
      <iframe ref={ref} class="mail-frame" title={`Mail: ${mail.subject}`} sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox" referrerpolicy="no-referrer" srcdoc={clean.doc} style={{ height: `${String(height)}px` }} onLoad={fit} />
    </>
  );
}
