import type { INestApplication } from '@nestjs/common';
import express, { NextFunction, Request, Response } from 'express';

export const JSON_BODY_LIMIT = '16kb';

/**
 * JSON bodies only, small, strictly parsed. Parser failures answer as JSON 4xx here: left to
 * Express they would be HTML pages, and left to Nest a 500.
 */
export function useJsonBodies(app: INestApplication): void {
  app.use(express.json({ limit: JSON_BODY_LIMIT, strict: true }));
  app.use((error: unknown, _request: Request, response: Response, next: NextFunction) => {
    const type = (error as { type?: string }).type;
    if (type === 'entity.parse.failed') {
      response.status(400).json({
        statusCode: 400,
        error: 'Bad Request',
        message: 'The request body is not valid JSON',
      });
    } else if (type === 'entity.too.large') {
      response.status(413).json({
        statusCode: 413,
        error: 'Payload Too Large',
        message: `The request body must be at most ${JSON_BODY_LIMIT}`,
      });
    } else if (type !== undefined) {
      const status = (error as { status?: number }).status ?? 400;
      response.status(status).json({
        statusCode: status,
        error: 'Bad Request',
        message: 'The request body could not be read',
      });
    } else {
      next(error);
    }
  });
}
