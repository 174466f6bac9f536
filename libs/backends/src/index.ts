export * from './backends.module';
export * from './documents.module';
