export * from './clock';
export * from './errors';
export * from './event';
export * from './config';
export * from './redaction';
export * from './time';
export * from './file-identity';
export * from './sqlite-error';
