import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** The last state one server reported for one failover peer, since when, and when it was last in partner-down. */
@Entity('peer_state_history')
@Index('uq_peer_state_history_server_peer', ['serverId', 'peerName'], { unique: true })
export class PeerStateHistoryRow {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'server_id', type: 'integer' })
  serverId: number;

  /** the `failover peer` name, i.e. the relationship's */
  @Column({ name: 'peer_name', type: 'varchar', length: 63 })
  peerName: string;

  /** dhcpd's name of the state last reported, e.g. "normal" */
  @Column({ type: 'varchar', length: 32 })
  state: string;

  @Column({ name: 'state_since', type: Date })
  stateSince: Date;

  @Column({ name: 'last_partner_down_at', type: Date, nullable: true })
  lastPartnerDownAt: Date | null;

  /** the last answer folded in */
  @Column({ name: 'seen_at', type: Date })
  seenAt: Date;
}
