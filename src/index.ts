// Forge handlers only; the manifest points at these names.
export { resolver } from './resolvers/index';
export { oauthCallback } from './webtriggers/oauth-callback';
export { personalDataReport } from './triggers/personal-data';
export { calendarFeed } from './webtriggers/feed';
export { calendarFeedsBuild, calendarFeedsIssueEvent } from './triggers/feeds';
export { graphNotifications } from './webtriggers/graph-notifications';
export { automationsJiraEvent, automationsConsumer, automationsRenew } from './triggers/automations';
export { shareExpiry } from './triggers/share-expiry';
