/**
 * The numbers that bound what one GraphQL request may ask of the gateway. The README (Security, Limits) explains
 * each; test/integration/security/graphql-limits.test.ts shows that the frontend's nested query (servers →
 * failoverRelationships → scopes → pools → ranges, with failoverPartner) passes all of them at 10,000 scopes.
 */
export const LIMITS = {
  /** request body, JSON-parsed by express before GraphQL sees it */
  bodyBytes: 1024 * 1024,
  /** lexical tokens in the query document (names, punctuation, values); checked by the parser, which stops there */
  maxTokens: 2000,
  /** fields on the deepest path; `__Type.ofType` does not count (the introspection query's type-wrapper chain) */
  maxDepth: 12,
  /** aliased fields, counted with fragments expanded */
  maxAliases: 30,
  /** fields with fragments expanded: stops documents whose fragments multiply (fragment bombs) */
  maxFields: 5000,
  /** the cost computed with graphql-query-complexity (see complexity.ts) */
  maxComplexity: 25000,
} as const;

