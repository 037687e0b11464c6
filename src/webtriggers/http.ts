/** Forge web trigger request/response shapes (headers and query values are arrays). */
export interface WebTriggerRequest {
  method: string;
  path?: string;
  userPath?: string;
  headers: Record<string, string[] | undefined>;
  queryParameters?: Record<string, string[] | undefined>;
  body?: string;
}

export interface WebTriggerResponse {
  statusCode: number;
  headers: Record<string, string[]>;
  body: string;
}

export const firstQueryValue = (req: WebTriggerRequest, name: string): string | undefined => req.queryParameters?.[name]?.[0];

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** A small self-contained page: no scripts, no third-party resources, not cacheable, not framable. */
export function htmlPage(statusCode: number, title: string, message: string, next?: string): WebTriggerResponse {
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#172b4d}h1{font-size:1.4rem}</style></head>
<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>${next ? `<p><strong>What to do next:</strong> ${escapeHtml(next)}</p>` : ''}</main></body></html>`;
  return {
    statusCode,
    headers: {
      'Content-Type': ['text/html; charset=utf-8'],
      'Cache-Control': ['no-store'],
      'Content-Security-Policy': ["default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"],
      'Referrer-Policy': ['no-referrer'],
      'X-Content-Type-Options': ['nosniff'],
    },
    body,
  };
}
