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
