export * from './deps';
export * from './dates';
export * from './start';
export * from './actions';
export * from './visibility';
export * from './bulk';
export * from './queues';
export * from './merge-input';
