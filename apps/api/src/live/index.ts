export { subscribeInput, toSelector, MAX_FOLLOWED_JOBS, type SubscribeInput, type Selector } from './selector';
export { LiveConnection, DELIVERY_WINDOW_MS, type LiveMessage, type LiveNotice } from './connection';
export type { LiveDispatcher } from './dispatcher';
export { liveDispatcher, liveStream } from './stream';
