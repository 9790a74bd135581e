import { GraphQLBoolean, GraphQLError, GraphQLSchema, defaultFieldResolver } from 'graphql';
import type { Context } from '../context';
import { AuditRecord, auditEntryId } from './audit-record';

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
 *
 * It is also the one place that gives every mutation its `dryRun` argument: the runner reads it from the
 * request (src/services/mutation-runner.ts), so no resolver or service has to pass it along.
 */
const DRY_RUN = {
  name: 'dryRun',
  description: 'Validate everything (dhcpd -t included), write and commit nothing, and answer as the change would',
  type: GraphQLBoolean,
  defaultValue: false,
  deprecationReason: undefined,
  extensions: {},
  astNode: undefined,
};

export function auditMutations(schema: GraphQLSchema): GraphQLSchema {
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const resolve = field.resolve ?? defaultFieldResolver;
    field.args = [...field.args, DRY_RUN];
    field.resolve = (root, args, context: Context, info) => {
      executed.add(context);
      const record = new AuditRecord(context.user?.name ?? 'anonymous', info.fieldName, args);
      const { caller } = context;
      // Mutation fields run one after another, so one slot on the context is enough. (Not AsyncLocalStorage:
      // on Node 20 it puts a hook on every promise of every request once it has been used.)
      caller.auditRecord = record;
      caller.dryRun = args.dryRun === true;
      return (async () => {
        try {
          // Every mutation that succeeds went through the MutationRunner, which wrote its row with the change.
          return await resolve(root, args, context, info);
        } catch (e) {
          if (!record.recorded) await context.audit.recordFailure(record, e).catch(() => undefined);
          if (e instanceof GraphQLError && record.entryId !== null) (e.extensions as Record<string, unknown>).auditEntryId = auditEntryId(record.entryId);
          throw e;
        } finally {
          if (record.entryId !== null) (caller.auditEntryIds ??= []).push(record.entryId);
          caller.auditRecord = undefined;
          caller.dryRun = undefined;
        }
      })();
    };
  }
  return schema;
}
