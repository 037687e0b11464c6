/** Tagged template that escapes every interpolation unless it is already `Html`. */
export class Html {
  constructor(readonly value: string) {}
  toString() {
    return this.value;
  }
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    const part = Array.isArray(v) ? v.map((x) => (x instanceof Html ? x.value : escape(String(x)))).join('') : v instanceof Html ? v.value : v == null || v === false ? '' : escape(typeof v === 'string' ? v : JSON.stringify(v));
    out += part + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/** Trusted markup from the fixture (page bodies are the demo author's HTML). */
export const raw = (s: string) => new Html(s);
