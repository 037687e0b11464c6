/** Forge's web trigger contract: the request the function receives and the response it must return. */
export function webTriggerEvent(req: Request, userPath: string, body: string) {
  const url = new URL(req.url);
  const headers: Record<string, string[]> = {};
  req.headers.forEach((v, k) => (headers[k] = [...(headers[k] ?? []), v]));
  const queryParameters: Record<string, string[]> = {};
  url.searchParams.forEach((v, k) => (queryParameters[k] = [...(queryParameters[k] ?? []), v]));
  return { method: req.method, path: url.pathname, userPath, headers, queryParameters, body };
}

/** Anything but `{statusCode, headers:{name:[values]}, body}` makes the platform answer 500. */
export function toHttpResponse(value: unknown): Response | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as { statusCode?: unknown; headers?: unknown; body?: unknown };
  if (typeof v.statusCode !== 'number' || !Number.isInteger(v.statusCode) || v.statusCode < 200 || v.statusCode > 599) return undefined;
  if (v.body !== undefined && v.body !== null && typeof v.body !== 'string') return undefined;
  const headers = new Headers();
  if (v.headers !== undefined) {
    if (!v.headers || typeof v.headers !== 'object') return undefined;
    for (const [name, values] of Object.entries(v.headers as Record<string, unknown>)) {
      if (!Array.isArray(values) || values.some((x) => typeof x !== 'string')) return undefined;
      for (const x of values as string[]) headers.append(name, x);
    }
  }
  const empty = v.statusCode === 204 || v.statusCode === 304;
  return new Response(empty ? null : (v.body as string | undefined) ?? '', { status: v.statusCode, headers });
}
