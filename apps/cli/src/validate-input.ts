import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';

function messages(errors: ValidationError[]): string[] {
  return errors.flatMap((error) => [
    ...Object.values(error.constraints ?? {}),
    ...messages(error.children ?? []),
  ]);
}

/**
 * Checks what an operator typed against the API's own DTO (its class-validator rules, unknown
 * fields refused as the API's pipe does), so the CLI refuses exactly what the API refuses.
 * Throws one line naming every invalid field.
 */
export function validateInput<T extends object>(
  dto: new () => T,
  input: Record<string, unknown>,
): T {
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const instance = plainToInstance(dto, defined);
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
  });
  if (errors.length > 0) throw new Error(messages(errors).join('; '));
  return instance;
}
