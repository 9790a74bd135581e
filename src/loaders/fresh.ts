import { GraphQLSchema, defaultFieldResolver } from 'graphql';
import type { Context } from '../context';

/**
 * graphql-js resolves mutation fields one after another, each with its subselection, so a later field of the
 * same operation would answer from rows the request's loaders cached before it wrote. Every mutation field
 * clears them once its write is done (committed or rolled back), before its own subselection is resolved.
 */
export function clearLoadersAfterMutations(schema: GraphQLSchema): GraphQLSchema {
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = async (root, args, context: Context, info) => {
      try {
        return await resolve(root, args, context, info);
      } finally {
        context.loaders.clearAll();
      }
    };
  }
  return schema;
}
