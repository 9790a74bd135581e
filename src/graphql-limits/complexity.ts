import type { ApolloServerPlugin } from '@apollo/server';
import { DocumentNode, GraphQLError, GraphQLSchema, OperationDefinitionNode, getVariableValues } from 'graphql';
import { ComplexityEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { PAGE_SIZE } from '../pagination';
import { QUERY_TOO_COMPLEX } from '../errors';
import { LIMITS } from './limits';

/**
 * A paginated field (one that takes `first`) costs its children once per item of the page it asks for;
 * `first` left out counts as the default page, and a `first` above the maximum page counts as the
 * maximum (the field itself refuses it with BAD_USER_INPUT, the clearer answer).
 */
const paginatedEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  if (!field.args.some((a) => a.name === 'first')) return undefined;
  const asked = typeof args.first === 'number' ? args.first : PAGE_SIZE.default;
  return 1 + Math.min(Math.max(asked, 0), PAGE_SIZE.max) * childComplexity;
};

/**
 * Every other field costs 1 plus its children, whether it returns one object or a list: an unpaginated
 * list (servers, DhcpServer.scopes, …) counts once. Its size is bounded by the data, not by the query
 * (servers → failoverRelationships → scopes → pools visits each scope once or twice however many there
 * are), and the shape rule refuses the lists that would multiply (a list re-entered below a reference).
 */
const ESTIMATORS: ComplexityEstimator[] = [paginatedEstimator, simpleEstimator({ defaultComplexity: 1 })];

/** The cost of one operation of a document with its variables. */
export function complexityOf(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> = {}, operationName?: string | null): number {
  return getComplexity({ schema, query: document, variables, operationName: operationName ?? undefined, estimators: ESTIMATORS, maxQueryNodes: LIMITS.maxFields * 4 });
}

function tooComplex(cost: number, maximum: number): GraphQLError {
  return new GraphQLError(
    `the query costs ${cost}, more than the ${maximum} allowed: ask for smaller pages (first), fewer aliases or fewer fields (see the README, "Limits on one GraphQL request")`,
    { extensions: { code: QUERY_TOO_COMPLEX, cost, maximumCost: maximum, http: { status: 400 } } },
  );
}

/**
 * Refuses an operation whose cost is above the limit before anything runs. The cost needs the request's
 * variables (`first: $n`), so this is a plugin hook rather than a validation rule (those run once per
 * cached document).
 */
export function complexityLimitPlugin(maximum: number = LIMITS.maxComplexity): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const refusal = complexityRefusal(schema, document, operation, request.variables ?? {}, maximum);
          if (refusal) throw refusal;
        },
      };
    },
  };
}

/**
 * The refusal of an operation that costs more than `maximum`, or null. Variables that do not coerce are left
 * to execution, which refuses them as BAD_USER_INPUT.
 */
export function complexityRefusal(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  maximum: number = LIMITS.maxComplexity,
): GraphQLError | null {
  if (!variablesCoerce(schema, operation, variables)) return null;
  let cost: number;
  try {
    cost = complexityOf(schema, document, variables, operation.name?.value);
  } catch {
    // only the node bound of graphql-query-complexity gets here (the variables were checked above)
    return new GraphQLError('the query is too large to compute its cost', { extensions: { code: QUERY_TOO_COMPLEX, maximumCost: maximum, http: { status: 400 } } });
  }
  return cost > maximum ? tooComplex(cost, maximum) : null;
}

function variablesCoerce(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Record<string, unknown>): boolean {
  const { errors } = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 1 });
  return !errors?.length;
}
