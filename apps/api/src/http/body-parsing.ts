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
  app.use((error: unknown, request: Request, response: Response, next: NextFunction) => {
    const failure = error as { type?: string; status?: number; code?: unknown; errno?: unknown };
    const type = failure.type;
    if (type === 'entity.parse.failed') {
      badBody(response, 400, 'The request body is not valid JSON');
    } else if (type === 'entity.too.large') {
      badBody(response, 413, `The request body must be at most ${JSON_BODY_LIMIT}`);
    } else if (type === 'encoding.unsupported') {
      badBody(
        response,
        415,
        `Content-Encoding "${String(request.headers['content-encoding'])}" is not supported ` +
          '(gzip, deflate, br or none)',
      );
    } else if (type === undefined && isDecompressionError(failure)) {
      // zlib's errors (Z_DATA_ERROR, Z_BUF_ERROR, brotli's ERR__ERROR_…) carry no type.
      badBody(
        response,
        400,
        `The request body could not be decompressed (Content-Encoding ` +
          `"${String(request.headers['content-encoding'])}"): it is damaged or truncated`,
      );
    } else if (type !== undefined) {
      const status = failure.status !== undefined && failure.status < 500 ? failure.status : 400;
      badBody(response, status, 'The request body could not be read');
    } else {
      next(error);
    }
  });
}

const ERROR_NAMES: Record<number, string> = {
  400: 'Bad Request',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
};

function badBody(response: Response, status: number, message: string): void {
  response
    .status(status)
    .json({ statusCode: status, error: ERROR_NAMES[status] ?? 'Bad Request', message });
}

/** A zlib or brotli stream error, as body-parser passes it on (status 400, a zlib code). */
function isDecompressionError(failure: { status?: number; code?: unknown; errno?: unknown }) {
  return (
    failure.status === 400 &&
    typeof failure.code === 'string' &&
    typeof failure.errno === 'number' &&
    /^(Z_|ERR__ERROR_|ERR_BROTLI)/.test(failure.code)
  );
}
