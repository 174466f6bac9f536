export * from './token';
export * from './token-policy';
export * from './token-secret';
export * from './point-in-time';
