// C0/C1 controls, DEL, NBSP and the invisible or direction-changing characters used to disguise text.
// A plain space is not included: SharePoint names (`Shared Documents`) contain it.
export const HIDDEN_CHARS = /[\u0000-\u001F\u007F-\u00A0\u1680\u180E\u2000-\u200F\u2028-\u202F\u205F-\u206F\u3000\uFEFF]/;

/** Returns why a decoded path segment (or folder name) can't be part of a SharePoint path, if it can't. */
export function checkSegment(seg: string): string | undefined {
  if (seg.includes('/') || seg.includes('\\')) return 'A name in the address contains an encoded slash, which SharePoint names can’t contain.';
  if (HIDDEN_CHARS.test(seg)) return 'A name in the address contains invisible or control characters.';
  if (seg === '.' || seg === '..') return 'The address contains “.” or “..” as a name.';
  return undefined;
}

/** True for a string of 1..max characters with no control or invisible characters. */
export const isCleanText = (v: unknown, max: number): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= max && !HIDDEN_CHARS.test(v) && v.trim() !== '';
