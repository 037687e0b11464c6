/**
 * The parts of @forge/bridge the Custom UI uses, imported module by module: the package index
 * pulls in iframe-resizer, lodash and i18n (~20 KB gzipped) that no resource here needs.
 * The code is the real package's; only the entry point differs.
 */
export { makeInvoke } from '@forge/bridge/out/invoke/invoke';
export { getContext } from '@forge/bridge/out/view/getContext';
export { submit } from '@forge/bridge/out/view/submit';
export { close } from '@forge/bridge/out/view/close';
export { router } from '@forge/bridge/out/router/router';
export { events } from '@forge/bridge/out/events/events';
