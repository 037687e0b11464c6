/**
 * When the Document macro asks Graph again for its preview on a page left open.
 *
 * `POST /drives/{drive}/items/{item}/preview` answers with "a short-lived embeddable URL … to render a
 * temporary preview" and names no lifetime, neither in the documentation nor in the answer
 * (https://learn.microsoft.com/graph/api/driveitem-preview). The local emulator signs its `getUrl` for
 * 10 minutes (dev/emulator/microsoft/graph/sharepoint/drive-routes.ts, PREVIEW_LIFETIME_MS). The macro
 * asks for a new URL every 8 minutes — shortly before the shortest lifetime it knows of — so a frame
 * that reloads (or a reader who navigates inside it) never meets an expired link.
 */
export const PREVIEW_RENEW_AFTER_MS = 8 * 60_000;

