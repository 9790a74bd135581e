import { GraphQLSchema, defaultFieldResolver } from 'graphql';
import type { Context } from '../context';
import { AuditRecord } from './audit-record';

const executed = new WeakSet<object>();

/** Whether any mutation field of this request was resolved (and so audited by the wrapper below). */
export function mutationFieldsRan(context: object): boolean {
  return executed.has(context);
}

/**
 * Wraps every Mutation field so each call is audited exactly once: the MutationRunner writes the row
 * (with the change, or after the rollback); a call refused before it reaches the runner (role, argument
 * checks) is written here. Wrapping the built schema, rather than a type-graphql middleware, puts it
 * outside the @Authorized check, so FORBIDDEN attempts are recorded too, and costs queries nothing.
 */
export function auditMutations(schema: GraphQLSchema): GraphQLSchema {
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = (root, args, context: Context, info) => {
      executed.add(context);
      const record = new AuditRecord(context.user?.name ?? 'anonymous', info.fieldName, args);
      // Mutation fields run one after another, so one slot on the context is enough. (Not AsyncLocalStorage:
      // on Node 20 it puts a hook on every promise of every request once it has been used.)
      context.caller.auditRecord = record;
      return (async () => {
        try {
          // Every mutation that succeeds went through the MutationRunner, which wrote its row with the change.
          return await resolve(root, args, context, info);
        } catch (e) {
          if (!record.recorded) await context.audit.recordFailure(record, e).catch(() => undefined);
          throw e;
        } finally {
          context.caller.auditRecord = undefined;
        }
      })();
    };
  }
  return schema;
}
