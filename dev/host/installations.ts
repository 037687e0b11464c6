import type { AppManifest } from './manifest';
import type { Product } from './access';

/** One installation of the app on the site: its own storage, web trigger URLs and context. */
export interface Installation {
  /** `jira` or `confluence`: which product it was installed in. */
  key: Product;
  installationId: string;
  /** The installation's context ARI: `installContext` in resolver contexts, `contextAri` in the runtime. */
  installContext: string;
}

export interface Installations {
  list: Installation[];
  /** The installation a product's modules run in. */
  forProduct(product: Product): Installation;
  /** The installation a context ARI names (web trigger URLs are created per context). */
  byContext(contextAri: string): Installation | undefined;
  /** By key; for invocations that name none (consumers, product-event triggers), the Jira installation if there is one. */
  get(key: string | undefined): Installation;
}

/**
 * Without `app.compatibility`, a Forge app that has Jira and Confluence modules is installed separately in each
 * product: separate storage, web trigger URLs and install contexts (add-support-for-jira-as-an-optional-atlassian-app;
 * app-compatibility, an EAP). With `app.compatibility` it is one installation in its required product.
 */
export function installationsFor(manifest: AppManifest, cloudId: string): Installations {
  const make = (key: Product): Installation => ({ key, installationId: `local-${key}-${cloudId}`, installContext: `ari:cloud:${key}::site/${cloudId}` });
  const list: Installation[] = manifest.compatibility ? [make(manifest.compatibility.required)] : [make('jira'), make('confluence')];
  const only = list.length === 1 ? list[0] : undefined;
  const find = (key: string | undefined) => list.find((i) => i.key === key);
  return {
    list,
    forProduct: (product) => only ?? (find(product) as Installation),
    byContext: (ari) => list.find((i) => i.installContext === ari),
    get: (key) => find(key) ?? only ?? (find('jira') as Installation),
  };
}
