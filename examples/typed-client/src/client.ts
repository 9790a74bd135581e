import type { TypedDocumentString } from './gql/graphql';

export class GatewayError extends Error {}

/**
 * Posts one typed operation to the gateway and returns its typed data. Variables are required exactly when the
 * operation has some (the client preset's pattern for string documents).
 */
export function gatewayClient(url: string, token: string) {
  return async function execute<TResult, TVariables>(
    query: TypedDocumentString<TResult, TVariables>,
    ...[variables]: TVariables extends Record<string, never> ? [] : [TVariables]
  ): Promise<TResult> {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: TResult | null; errors?: { message: string; extensions?: { code?: string } }[] };
    if (body.errors?.length) throw new GatewayError(body.errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('\n'));
    if (!body.data) throw new GatewayError(`HTTP ${res.status} without data`);
    return body.data;
  };
}
