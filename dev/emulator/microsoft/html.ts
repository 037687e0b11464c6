/** Everything the emulator echoes into HTML goes through here: query strings are attacker input. */
export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"'`]/g, (ch) => `&#${ch.charCodeAt(0)};`);

const STYLE = `
body{font-family:"Segoe UI",system-ui,sans-serif;background:#f2f2f2;margin:0;color:#1b1b1b}
main{max-width:440px;margin:48px auto;background:#fff;padding:44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:24px;font-weight:600;margin:0 0 16px}
ul{list-style:none;padding:0;margin:16px 0}
li{margin:8px 0;display:flex;flex-direction:column;gap:2px}
li span{font-size:13px;color:#605e5c}
button{font:inherit;padding:8px 16px;border:1px solid #8a8886;background:#fff;cursor:pointer;text-align:left}
button.primary{background:#0067b8;border-color:#0067b8;color:#fff}
.actions{display:flex;gap:8px;justify-content:flex-end;margin-top:24px}
.error{color:#a80000}
code{font-size:13px}
`;

/** A self-contained page: no scripts, no external resources. */
export const htmlPage = (title: string, body: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
  `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
