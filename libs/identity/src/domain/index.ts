export * from './project';
export * from './user';
