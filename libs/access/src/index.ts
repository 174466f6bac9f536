export * from './decorators';
export * from './principal';
