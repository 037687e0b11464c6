import type { WebTriggerModule } from './manifest';

/**
 * Forge's web trigger contract (runtime-reference/web-trigger): the request the function receives. Header names
 * keep the case the caller sent (the documented example mixes `Content-Type` and `accept-encoding`), so they come
 * from Node's raw header list when there is one; `userPath` starts with `/` when there are path segments.
 */
export function webTriggerEvent(req: Request, path: string, userPath: string, body: string, rawHeaders?: readonly string[]) {
  const url = new URL(req.url);
  const headers: Record<string, string[]> = {};
  if (rawHeaders) {
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      const name = rawHeaders[i] as string;
      headers[name] = [...(headers[name] ?? []), rawHeaders[i + 1] as string];
    }
  } else {
    req.headers.forEach((v, k) => (headers[k] = [...(headers[k] ?? []), v]));
  }
  const queryParameters: Record<string, string[]> = {};
  url.searchParams.forEach((v, k) => (queryParameters[k] = [...(queryParameters[k] ?? []), v]));
  return { method: req.method, path, userPath, headers, queryParameters, body };
}

/**
 * The HTTP answer to what the function returned, or undefined when the platform answers 500 ("If the function
 * result is not compatible with the JSON format, then an error response with status code 500 is sent").
 * A `dynamic` trigger returns `{statusCode, headers:{name:[values]}, body, statusText?}`; a `static` one returns
 * `{outputKey}` naming one of the manifest's `outputs`, and can send nothing else (manifest-reference/modules/web-trigger).
 */
export function toHttpResponse(value: unknown, trigger: WebTriggerModule): Response | undefined {
  if (!value || typeof value !== 'object') return undefined;
  if (trigger.response.type === 'static') {
    const key = (value as { outputKey?: unknown }).outputKey;
    const output = typeof key === 'string' ? trigger.response.outputs.get(key) : undefined;
    if (!output) return undefined;
    const headers = output.contentType === undefined ? undefined : { 'content-type': output.contentType };
    return new Response(output.statusCode === 204 || output.statusCode === 304 ? null : (output.body ?? ''), { status: output.statusCode, ...(headers ? { headers } : {}) });
  }
  const v = value as { statusCode?: unknown; statusText?: unknown; headers?: unknown; body?: unknown };
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
  return new Response(empty ? null : ((v.body as string | undefined) ?? ''), { status: v.statusCode, headers, ...(typeof v.statusText === 'string' ? { statusText: v.statusText } : {}) });
}
