import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '../auth/roles';

/**
 * An API token. Only the SHA-256 of the token is kept; the token itself is shown once, when it is made.
 * A revoked token keeps its row (and its name stays taken) so the audit log's names stay unambiguous.
 * Not a GraphQL type: tokens are managed with `npm run token`, never over the API.
 */
@Entity('api_token')
export class ApiToken {
  @PrimaryGeneratedColumn()
  id: number;

  /** who the token belongs to; recorded in the audit log with every change it makes */
  @Column({ type: 'varchar', length: 63, unique: true })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  role: Role;

  /** lowercase hex SHA-256 of the whole token text */
  @Column({ name: 'token_hash', type: 'varchar', length: 64, unique: true })
  tokenHash: string;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: Date, nullable: true })
  revokedAt: Date | null;

  /** updated at most once a minute, so reading the API does not turn every request into a write */
  @Column({ name: 'last_used_at', type: Date, nullable: true })
  lastUsedAt: Date | null;
}
