import { Field, ID, ObjectType } from 'type-graphql';
import { FileChange } from './file-change';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { toGlobalId } from '../global-id';
import { Node } from './node';

/** One mutation as it was asked for and how it ended; written for refused mutations too. */
@ObjectType({ implements: Node, description: 'One mutation: who asked for it, when, with which arguments, and how it ended' })
@Entity('audit_entry')
export class AuditEntry {
  @PrimaryGeneratedColumn()
  id: number;

  @Field(() => ID, { name: 'id', description: 'Global id of the entry' })
  get globalId(): string {
    return toGlobalId('AuditEntry', this.id);
  }

  @Field({ description: 'When the mutation ended (ISO 8601)' })
  @Column({ type: Date })
  at: Date;

  @Field({ description: 'Name of the token that asked for it' })
  @Column({ type: 'varchar', length: 63 })
  actor: string;

  @Field({ description: 'The mutation field, e.g. "createScope"' })
  @Column({ type: 'varchar', length: 63 })
  operation: string;

  @Field({ description: 'Its arguments as JSON; long strings and lists are cut short' })
  @Column({ type: 'text' })
  arguments: string;

  @Field({ description: '"ok", "DRY_RUN", "RECOVERED" (an unfinished change undone by the gateway), or the error code it was refused with (e.g. "BAD_USER_INPUT", "FORBIDDEN")' })
  @Column({ type: 'varchar', length: 32 })
  outcome: string;

  @Field(() => String, { nullable: true, description: 'Why it was refused; null when it succeeded' })
  @Column({ type: 'text', nullable: true })
  message: string | null;

  @Field(() => [FileChange], { description: 'The file changes it made (or, for a dry run or a refusal after validation, would have made)' })
  @Column({ type: 'simple-json' })
  changes: FileChange[];
}
