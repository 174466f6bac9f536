import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { RecordedButNotVisibleError, changeWasRecorded } from '@pat/application';
import {
  BearerChallengeException,
  REALM,
  TooManyAttemptsException,
  existingCommandContextOf,
} from '@pat/auth';
import { EventStoreUnavailableError, WrongExpectedRevisionError } from '@pat/event-store';
import { ReadModelUnavailableError } from '@pat/read-model';
import { DomainError, DomainErrorKind, isDeadlineMessage } from '@pat/shared';
import type { Request, Response } from 'express';

const STATUS_OF: Record<DomainErrorKind, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

const ERROR_OF: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  503: 'Service Unavailable',
};

/**
 * One JSON shape for every error: { statusCode, error, message, errors? }. Unknown failures
 * become a 500 with a generic message; their details go to the (redacted) log only. A store that
 * cannot be reached is a 503: authentication fails closed.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    exception = this.asRecordedIfItWas(exception, host.switchToHttp().getRequest<Request>());

    if (exception instanceof BearerChallengeException) {
      response.setHeader('WWW-Authenticate', exception.challenge);
      response.status(exception.getStatus()).json(exception.getResponse());
      return;
    }
    if (exception instanceof TooManyAttemptsException) {
      response.setHeader('Retry-After', String(exception.retryAfterSeconds));
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      if (status === 401) response.setHeader('WWW-Authenticate', `Bearer realm="${REALM}"`);
      // Readiness (terminus) and any other 503: tell clients when to come back.
      if (status === 503 && !response.hasHeader('Retry-After')) {
        response.setHeader('Retry-After', '5');
      }
      response
        .status(status)
        .json(
          typeof body === 'string'
            ? { statusCode: status, error: ERROR_OF[status] ?? 'Error', message: body }
            : body,
        );
      return;
    }
    if (exception instanceof DomainError) {
      const status = STATUS_OF[exception.kind];
      response.status(status).json({
        statusCode: status,
        error: ERROR_OF[status],
        message: exception.message,
        ...(exception.field
          ? { errors: [{ field: exception.field, messages: [exception.message] }] }
          : {}),
      });
      return;
    }
    if (
      exception instanceof EventStoreUnavailableError ||
      exception instanceof ReadModelUnavailableError
    ) {
      this.logger.warn(`Store unavailable: ${exception.message}`);
      response.setHeader('Retry-After', '5');
      response.status(503).json({
        statusCode: 503,
        error: 'Service Unavailable',
        // A missed deadline's message names the store and holds nothing internal; other causes
        // may carry addresses or file names, so the client gets the store's name only.
        message: isDeadlineMessage(exception.message)
          ? `${exception.message}; try again shortly`
          : `${storeNameOf(exception)} is unavailable; try again shortly`,
      });
      return;
    }
    if (exception instanceof RecordedButNotVisibleError) {
      this.logger.warn(`Recorded on ${exception.streamName} but not projected yet`);
      response.setHeader('Retry-After', '5');
      response.status(503).json({
        statusCode: 503,
        error: 'Service Unavailable',
        message: exception.message,
      });
      return;
    }
    if (exception instanceof WrongExpectedRevisionError) {
      response.status(409).json({
        statusCode: 409,
        error: 'Conflict',
        message: 'The resource was changed concurrently; try again',
      });
      return;
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : exception,
    );
    response.status(500).json({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Something went wrong on our side',
    });
  }

  /** A store failure after this request's change reached the log: the change happened. */
  private asRecordedIfItWas(exception: unknown, request: Request): unknown {
    if (
      !(exception instanceof EventStoreUnavailableError) &&
      !(exception instanceof ReadModelUnavailableError)
    ) {
      return exception;
    }
    const context = existingCommandContextOf(request);
    if (!context || !changeWasRecorded(context)) return exception;
    return new RecordedButNotVisibleError('(this request)', { cause: exception });
  }
}

/** Which store an Unavailable error is about, as a client may read it. */
function storeNameOf(error: EventStoreUnavailableError | ReadModelUnavailableError): string {
  if (error instanceof EventStoreUnavailableError) return 'The event log';
  // The session stores raise the read model's error class, with messages of their own.
  return error.message.startsWith('The session store') ? 'The session store' : 'The read model';
}
