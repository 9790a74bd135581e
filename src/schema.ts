import { GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { AuthChecker, buildSchema, type PubSub } from 'type-graphql';
import { auditMutations } from './audit/instrument';
import type { Context } from './context';
import { checkRole, isRole } from './auth/roles';
import { clearLoadersAfterMutations } from './loaders/fresh';
import { resolvers } from './resolvers';
import { callDirectly } from './resolvers/direct';

/** Queries need `viewer`, mutations `admin` (declared with @Authorized on each resolver). */
const authChecker: AuthChecker<Context> = ({ context }, roles) => {
  checkRole(context.user, roles.find(isRole) ?? 'admin');
  return true;
};

/**
 * type-graphql wants a PubSub as soon as the schema has a subscription, even when every subscription field brings
 * its own `subscribe` (ours does: src/resolvers/subscription.ts); this one says so if anything ever uses it.
 */
const NO_PUBSUB: PubSub = {
  publish() {
    throw new Error('subscriptions bring their own event streams (src/resolvers/subscription.ts)');
  },
  subscribe() {
    throw new Error('subscriptions bring their own event streams (src/resolvers/subscription.ts)');
  },
};

export async function createSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers,
    authChecker,
    pubSub: NO_PUBSUB,
    // Arguments are checked by the services (src/services/input.ts, src/pagination.ts), with messages that name the field.
    validate: false,
  });
  // Every mutation call, refused ones included, gets one audit row (src/audit/instrument.ts); each
  // answers from fresh rows (src/loaders/fresh.ts); the fields big answers repeat skip type-graphql's
  // wrapper (src/resolvers/direct.ts).
  return auditMutations(clearLoadersAfterMutations(callDirectly(schema)));
}

/** The text committed as schema.graphql: sorted, so it only changes when the schema does. */
export function printSortedSchema(schema: GraphQLSchema): string {
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}
