import type { PlatformRequest } from '../runtime/runner';

/** Jira REST "App properties" (Forge): key ≤ 127 characters, value valid non-empty JSON ≤ 32,768 characters. */
const MAX_KEY = 127;
const MAX_VALUE = 32_768;
export const APP_PROPERTIES_PATH = '/rest/forge/1/app/properties';

const json = (status: number, body?: unknown) =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: body === undefined ? {} : { 'content-type': 'application/json' } });
const errors = (status: number, message: string) => json(status, { errorMessages: [message], errors: {} });

/**
 * Forge app properties: what a trigger filter reads as `app.properties['key']`. Only the app itself may call the API
 * ("This API can only be accessed using asApp() requests from Forge"); an asUser() call is refused with 403.
 */
export function createAppProperties() {
  const values = new Map<string, unknown>();

  function handle(req: PlatformRequest, siteUrl: string): Response {
    const url = new URL(req.path, 'http://product.invalid');
    const rest = url.pathname.slice(APP_PROPERTIES_PATH.length);
    if (req.meta.provider !== 'app') return errors(403, 'Only Forge apps can make this request, and only with asApp().');
    if (rest === '' || rest === '/') {
      if (req.method !== 'GET') return errors(405, 'Method not allowed.');
      return json(200, { keys: [...values.keys()].map((key) => ({ key, self: `${siteUrl}${APP_PROPERTIES_PATH}/${encodeURIComponent(key)}` })) });
    }
    let key: string;
    try {
      key = decodeURIComponent(rest.slice(1));
    } catch {
      return errors(400, 'The property key is not valid.');
    }
    if (key.includes('/')) return errors(404, 'Not found.');
    switch (req.method) {
      case 'GET':
        return values.has(key) ? json(200, { key, value: values.get(key) }) : errors(404, `The property with key ${key} was not found.`);
      case 'PUT': {
        if (key.length === 0 || key.length > MAX_KEY) return errors(400, `The property key cannot be longer than ${MAX_KEY} characters.`);
        const text = (req.body ?? '').trim();
        if (text.length === 0) return errors(400, 'The property value must be a valid, non-empty JSON blob.');
        if (text.length > MAX_VALUE) return errors(400, `The property value cannot be longer than ${MAX_VALUE} characters.`);
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          return errors(400, 'The property value must be a valid, non-empty JSON blob.');
        }
        const created = !values.has(key);
        values.set(key, value);
        return json(created ? 201 : 200, { message: created ? 'Property created.' : 'Property updated.', statusCode: created ? 201 : 200 });
      }
      case 'DELETE':
        return values.delete(key) ? json(204) : errors(404, `The property with key ${key} was not found.`);
      default:
        return errors(405, 'Method not allowed.');
    }
  }

  return {
    handle,
    get: (key: string): unknown => (values.has(key) ? values.get(key) : undefined),
    keys: () => [...values.keys()],
    reset: () => values.clear(),
  };
}

export type AppProperties = ReturnType<typeof createAppProperties>;
