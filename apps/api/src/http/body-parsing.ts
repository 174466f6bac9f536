import type { INestApplication } from '@nestjs/common';
import express, { NextFunction, Request, Response } from 'express';

export const JSON_BODY_LIMIT = '16kb';

/**
 * JSON bodies only, small, strictly parsed. Parser failures answer as JSON 4xx here: left to
 * Express they would be HTML pages, and left to Nest a 500.
 */
/** Deeper bodies are refused: no DTO nests, and deep nesting overflows recursive validators. */
export const MAX_JSON_DEPTH = 16;

/** Depth of a parsed JSON value, measured without recursion (so it cannot overflow itself). */
export function jsonDepth(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > MAX_JSON_DEPTH) return deepest;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}

export function useJsonBodies(app: INestApplication): void {
  app.use(express.json({ limit: JSON_BODY_LIMIT, strict: true }));
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (jsonDepth(request.body) > MAX_JSON_DEPTH) {
      response.status(400).json({
        statusCode: 400,
        error: 'Bad Request',
        message: `The request body nests deeper than ${MAX_JSON_DEPTH} levels`,
      });
      return;
    }
    next();
  });
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
