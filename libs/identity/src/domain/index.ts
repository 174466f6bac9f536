export * from './project';
export * from './user';
export * from './role-rank';
