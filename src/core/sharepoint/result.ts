/**
 * Local Result for the SharePoint core, shaped like `src/core/result.ts` so the lead can merge the two:
 * only the code set differs, and it stays closed.
 */
export type SharePointErrorCode =
  // url.ts
  | 'INVALID_URL'
  | 'TOO_LONG'
  | 'CONTROL_CHARACTERS'
  | 'NOT_HTTPS'
  | 'UNSUPPORTED_SCHEME'
  | 'CREDENTIALS_IN_URL'
  | 'IP_ADDRESS'
  | 'PORT_NOT_ALLOWED'
  | 'HOST_NOT_ALLOWED'
  // config.ts
  | 'INVALID_CONFIG'
  | 'UNSUPPORTED_VERSION'
  // odata.ts / requests.ts
  | 'INVALID_NEXT_LINK'
  | 'INVALID_RESPONSE';

export interface SharePointError<C extends string = SharePointErrorCode> {
  code: C;
  message: string;
}

export type Result<T, C extends string = SharePointErrorCode> =
  | { ok: true; value: T }
  | { ok: false; error: SharePointError<C> };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

export const fail = <C extends string = SharePointErrorCode>(code: C, message: string): { ok: false; error: SharePointError<C> } => ({
  ok: false,
  error: { code, message },
});
