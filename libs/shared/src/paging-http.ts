import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import {
  Page,
  PageRequest,
  PagedRequest,
  PagedResponse,
  parsePageRequest,
  sendPage,
  setNextPageLink,
} from './paging';

/** A paged list's request, read from the query string, and how to answer it. */
export interface PagedCall {
  readonly page: PageRequest;
  /** The page's items as the body, its next page in the Link header. */
  send<T>(result: Page<T>): T[];
  /** Only the Link header, for a body that is not the plain list. */
  link(next: string | null): void;
}

/**
 * `@Paging(KEY_PARTS) paging: PagedCall`: the `limit` and `cursor` query parameters of a paged
 * list, checked (400 naming the parameter) for a sort key of KEY_PARTS parts. Document them with
 * `@ApiPaged(…)`.
 */
export const Paging = createParamDecorator(
  (keyLength: number, context: ExecutionContext): PagedCall => {
    const http = context.switchToHttp();
    const request = http.getRequest<PagedRequest & { query: Record<string, unknown> }>();
    const response = http.getResponse<PagedResponse>();
    return {
      page: parsePageRequest(request.query.limit, request.query.cursor, keyLength),
      send: (result) => sendPage(request, response, result),
      link: (next) => setNextPageLink(request, response, next),
    };
  },
);
