import {
  ArgumentMetadata,
  BadRequestException,
  Injectable,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';

function flatten(errors: ValidationError[], parent = ''): { field: string; messages: string[] }[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * class-validator with unknown fields refused, and a 400 that names each invalid field:
 * { message: "name must not be empty; …", errors: [{ field, messages }] }.
 */
@Injectable()
export class StrictValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => {
        const fields = flatten(errors);
        return new BadRequestException({
          statusCode: 400,
          error: 'Bad Request',
          message: fields.flatMap((f) => f.messages).join('; '),
          errors: fields,
        });
      },
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') refuseUnsafeContent(value);
    if (metadata.type === 'body' && metadata.metatype && metadata.metatype !== Object) {
      // A missing body is an empty object, so each required field is named; anything but an
      // object is refused outright.
      const body = value ?? {};
      if (typeof body !== 'object' || Array.isArray(body)) {
        throw new BadRequestException({
          statusCode: 400,
          error: 'Bad Request',
          message: 'The request body must be a JSON object',
        });
      }
      return super.transform(body, metadata);
    }
    return super.transform(value, metadata);
  }
}

/** Keys that Nest or class-transformer would drop silently instead of refusing. */
const RESERVED_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);
/** Lone UTF-16 surrogates (not storable as UTF-8) and control characters. */
const UNSAFE_TEXT =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|[\u0000-\u001F\u007F-\u009F]/;

function refused(field: string, message: string): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message,
    errors: [{ field, messages: [message] }],
  });
}

/**
 * Refuses reserved keys (`__proto__`, `constructor`, `toString`, …), which would otherwise be
 * dropped rather than reported as unknown fields, and text that is not well-formed Unicode or
 * holds control characters (a name must display as it is stored, in every read model).
 */
function refuseUnsafeContent(value: unknown, path = ''): void {
  if (typeof value === 'string') {
    if (UNSAFE_TEXT.test(value)) {
      const field = path || 'body';
      throw refused(field, `${field} must be text without control characters or broken Unicode`);
    }
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const key of Object.keys(value)) {
    const field = path ? `${path}.${key}` : key;
    if (RESERVED_KEYS.has(key)) throw refused(field, `property ${key} should not exist`);
    refuseUnsafeContent((value as Record<string, unknown>)[key], field);
  }
}
