import { Type, applyDecorators } from '@nestjs/common';
import { ApiOkResponse, ApiQuery } from '@nestjs/swagger';
import { ApiErrors } from './errors-openapi';
import { PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX } from './paging';

/**
 * The OpenAPI description of a paged list: its two query parameters, and its 200 answer — `ok`,
 * the items (`isArray`) or a view holding one page of them — with the Link header.
 */
export function ApiPaged(ok: { type: Type<unknown>; isArray?: boolean }): MethodDecorator {
  return applyDecorators(
    ApiQuery({
      name: 'limit',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: PAGE_LIMIT_MAX, default: PAGE_LIMIT_DEFAULT },
      description: `Items per page (1–${PAGE_LIMIT_MAX})`,
    }),
    ApiQuery({
      name: 'cursor',
      required: false,
      schema: { type: 'string' },
      description: 'Opaque: take it from the `Link: <…>; rel="next"` header of the previous page',
    }),
    ApiErrors({ 400: '`limit` or `cursor` is not valid (the body names it)' }),
    ApiOkResponse({ ...ok, headers: NEXT_PAGE_LINK_HEADER }),
  );
}

/** The Link header of a paged list's 200 response. */
const NEXT_PAGE_LINK_HEADER = {
  Link: {
    description:
      'Present when there is a next page: `<URL>; rel="next"`, the URL being this request’s ' +
      'path and query with the next `cursor`',
    schema: { type: 'string', example: '</api/v1/me/tokens?limit=2&cursor=WyIy…>; rel="next"' },
  },
} as const;
