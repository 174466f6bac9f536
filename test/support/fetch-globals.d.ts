/**
 * The one DOM type the generated client (test/support/openapi-client) names that Node's own
 * globals do not declare: undici's, which Node's fetch implements. (This project compiles
 * without the DOM library.)
 */
declare global {
  type BodyInit = import('undici-types').BodyInit;
}

export {};
