import { Field, ObjectType } from 'type-graphql';

/** One file a mutation changed, as a unified diff from before to after. */
@ObjectType({ simpleResolvers: true, description: 'One file a mutation changed' })
export class FileChange {
  @Field({ description: 'Name of the server the file belongs to' })
  server: string;

  @Field({ description: 'Path of the file on that server' })
  path: string;

  @Field({ description: 'Unified diff, before → after' })
  diff: string;
}
