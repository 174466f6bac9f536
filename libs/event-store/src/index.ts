export * from './event-store.port';
export * from './checkpoint-store.port';
export * from './sqlite/sqlite-event-store';
