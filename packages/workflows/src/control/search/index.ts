export * from './filter';
export * from './text';
export * from './query';
