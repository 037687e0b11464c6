/**
 * The SharePoint core speaks the app's one error vocabulary (`../result`). A refused address or stored
 * configuration is `BAD_REQUEST`, an address the admin's policy excludes `FORBIDDEN`, a Graph answer the
 * app can't read `MS_UNAVAILABLE`; which check refused stays machine-readable in `reason`.
 */
import { fail, ok, type ErrorCode, type Failure, type Result } from '../result';

export { ok, type Result };

export type SharePointReason =
  // url.ts, hosts.ts
  | 'invalid_url'
  | 'too_long'
  | 'control_characters'
  | 'not_https'
  | 'unsupported_scheme'
  | 'credentials_in_url'
  | 'ip_address'
  | 'port_not_allowed'
  | 'host_not_allowed'
  | 'tenant_not_allowed'
  // config.ts
  | 'invalid_config'
  | 'unsupported_version'
  // odata.ts, requests.ts, rows.ts
  | 'invalid_next_link'
  | 'invalid_response';

const CODE: Record<SharePointReason, ErrorCode> = {
  invalid_url: 'BAD_REQUEST',
  too_long: 'BAD_REQUEST',
  control_characters: 'BAD_REQUEST',
  not_https: 'BAD_REQUEST',
  unsupported_scheme: 'BAD_REQUEST',
  credentials_in_url: 'BAD_REQUEST',
  ip_address: 'BAD_REQUEST',
  port_not_allowed: 'BAD_REQUEST',
  host_not_allowed: 'BAD_REQUEST',
  tenant_not_allowed: 'FORBIDDEN',
  invalid_config: 'BAD_REQUEST',
  unsupported_version: 'BAD_REQUEST',
  invalid_next_link: 'MS_UNAVAILABLE',
  invalid_response: 'MS_UNAVAILABLE',
};

/** A refusal by one of the SharePoint checks, in words that name what to do. */
export const refuse = (reason: SharePointReason, message: string): Failure => fail(CODE[reason], message, { reason });
