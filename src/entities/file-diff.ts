import { Field, ObjectType } from 'type-graphql';

/** One file of a server that changed outside the gateway. */
@ObjectType({ simpleResolvers: true, description: 'One file that changed outside the gateway' })
export class FileDiff {
  @Field({ description: 'Path of the file on its server' })
  path: string;

  @Field({ description: 'Unified diff, as the gateway last read or wrote it → as it is now' })
  diff: string;
}

@ObjectType({ simpleResolvers: true, description: "What changed in a server's files since the gateway last read or wrote them" })
export class ConfigDrift {
  @Field(() => Date, { description: 'When the gateway noticed (this read)' })
  detectedAt: Date;

  @Field(() => [FileDiff], { description: 'Every file that differs' })
  files: FileDiff[];
}
