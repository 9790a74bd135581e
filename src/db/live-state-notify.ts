import { Client } from 'pg';
import type { Deliver, LiveStateTransport, RelationshipLiveState } from '../live-state';

/** The NOTIFY channel; each payload is `{"relationship": <name>, "state": <RelationshipLiveState>}`. */
const LIVE_STATE_CHANNEL = 'gateway_live_state';

/**
 * Live state across replicas on one PostgreSQL database. Every replica with subscribers LISTENs; the replica that
 * holds a relationship's session advisory lock (`pg_try_advisory_lock(hashtext('live:' || name))`) is the only one
 * that polls it, and NOTIFYs each change. Lock, LISTEN and NOTIFY share one dedicated connection (not the pool's):
 * when the process or its connection dies, its locks go with it and another replica's next claim takes over.
 * A lost connection is opened again on the next claim, which LISTENs again.
 */
export function postgresLiveStateTransport(url: string, deliver: Deliver, log: (line: string) => void): LiveStateTransport {
  let connection: Promise<Client> | undefined;
  /** the relationships whose lock this session holds (a session lock is re-entrant: take each once) */
  const held = new Set<string>();

  const connect = (): Promise<Client> => {
    if (connection) return connection;
    const client = new Client({ connectionString: url });
    const lost = (why: string) => {
      if (connection !== current) return;
      log(`live state: the LISTEN connection was lost (${why}); reconnecting on the next poll`);
      connection = undefined;
      held.clear();
      void client.end().catch(() => undefined);
    };
    client.on('error', (e) => lost(e.message));
    client.on('end', () => lost('closed'));
    client.on('notification', ({ channel, payload }) => {
      if (channel !== LIVE_STATE_CHANNEL || !payload) return;
      try {
        const { relationship, state } = JSON.parse(payload) as { relationship: string; state: RelationshipLiveState };
        deliver(relationship, state);
      } catch (e) {
        log(`live state: unreadable notification: ${(e as Error).message}`);
      }
    });
    const current: Promise<Client> = client
      .connect()
      .then(() => client.query(`LISTEN ${LIVE_STATE_CHANNEL}`))
      .then(() => client);
    connection = current;
    current.catch((e: Error) => lost(e.message));
    return current;
  };
  const lockKey = (relationship: string) => `live:${relationship}`;

  return {
    async claim(relationship) {
      const client = await connect();
      if (held.has(relationship)) return true;
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [lockKey(relationship)]);
      if (rows[0].locked) held.add(relationship);
      return rows[0].locked;
    },
    async release(relationship) {
      if (!held.delete(relationship) || !connection) return;
      await (await connection).query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey(relationship)]);
    },
    async publish(relationship, state) {
      await (await connect()).query('SELECT pg_notify($1, $2)', [LIVE_STATE_CHANNEL, JSON.stringify({ relationship, state })]);
    },
    async close() {
      const current = connection;
      connection = undefined;
      held.clear();
      if (current) await (await current.catch(() => undefined))?.end();
    },
  };
}
