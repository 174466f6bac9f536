export * from './backends.module';
