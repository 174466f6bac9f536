export * from './document-store.port';
export * from './sqlite/sqlite-document-store';
export * from './mongo/mongo-document-store';
export * from './document-store-errors';
