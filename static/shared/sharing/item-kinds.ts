/**
 * Calendars, events and Teams chats in the panel: loaded only when an issue shows such an item or its
 * sharer opens the picker, so the mail-only panel stays within its size budget. Confluence's
 * "Microsoft 365 item" macro can import the same components.
 */
export { CalendarPicker, ChatPicker, EventPicker, ItemSharePicker, type ItemKind, type PickedItem, type ItemSharePickerProps } from './item-pickers';
export { CalendarAgenda, CalendarWeek, SharedCalendar, ChatThread, EventCard, type ChatThreadProps } from './item-views';
