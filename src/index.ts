// Forge handlers only; the manifest points at these names.
export { resolver } from './resolvers/index';
export { oauthCallback } from './webtriggers/oauth-callback';
