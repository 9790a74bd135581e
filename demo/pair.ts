/**
 * `npm run demo:pair`: a dhcpd failover pair configured through the gateway's GraphQL API and watched through
 * `FailoverRelationship.liveState`, for a person to read along. The same scenario as
 * test/integration/live-state/api-pair.test.ts (demo/pair-scenario.ts).
 *
 * Builds a NetnsLab (two namespaces on 198.51.100.0/24 behind a bridge), starts the gateway on 127.0.0.1 with a
 * temporary SQLite file and CONFIG_ROOT, prints every GraphQL operation with its answer and the files the gateway
 * wrote, starts dhcpd on both, waits for normal, kills the secondary and shows the primary's
 * communications-interrupted. Everything is removed on exit, on an error and on Ctrl-C.
 *
 * Needs root, iproute2 with `ip netns`, and dhcpd (Debian: isc-dhcp-server); dhclient (isc-dhcp-client) optional.
 * `--keep` leaves the gateway running at the end (explorer at /graphql) until Ctrl-C.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createGateway, type Gateway } from '../src/app';
import { loadSettings } from '../src/config';
import { canRunNetns, NetnsLab } from './netns-lab';
import {
  bothNormal,
  configurePair,
  dhclientBinary,
  LAB_NODES,
  leaseFromPair,
  LIVE_STATE,
  type LiveState,
  loggedAfter,
  moved,
  type PairServer,
  PRIMARY,
  primaryInterrupted,
  type RunGraphQL,
  SECONDARY,
  waitForLiveState,
  writeBaseConfigs,
  writeServersFile,
} from './pair-scenario';

const keep = process.argv.includes('--keep');
let lab: NetnsLab | undefined;
let gateway: Gateway | undefined;
let http: Server | undefined;

const heading = (text: string) => console.log(`\n=== ${text}\n`);
const indent = (text: string) => text.replace(/^(?=.)/gm, '    ');

async function main(): Promise<void> {
  if (!canRunNetns()) {
    console.error('demo:pair needs root, iproute2 with `ip netns` and dhcpd (Debian: apt-get install isc-dhcp-server iproute2).');
    process.exitCode = 1;
    return;
  }

  heading('Lab: network namespaces joined by a bridge');
  lab = NetnsLab.create({ nodes: LAB_NODES });
  for (const node of LAB_NODES) console.log(`  namespace for ${node.padEnd(9)} eth0 ${lab.address(node)}/24`);
  console.log(`  this process (bridge)   ${lab.hostAddress}/24`);

  const dir = path.join(lab.workDir, 'gateway');
  const configRoot = path.join(dir, 'servers');
  mkdirSync(configRoot, { recursive: true });
  const servers = writeServersFile(dir);
  writeBaseConfigs(configRoot);
  const token = randomBytes(18).toString('base64url');
  const settings = loadSettings({
    DATABASE_URL: `sqlite:${path.join(dir, 'gateway.db')}`,
    CONFIG_ROOT: configRoot,
    GATEWAY_ADMIN_TOKEN: token,
    GATEWAY_SERVERS_FILE: servers.path,
    ...(process.env.DHCPD_BIN ? { DHCPD_BIN: process.env.DHCPD_BIN } : {}),
  });
  gateway = await createGateway(settings, { log: (line) => console.error(`[gateway] ${line}`) });
  const app = gateway.app;
  http = await new Promise<Server>((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`;

  heading('Gateway');
  console.log(`  GraphQL:      ${url}`);
  console.log(`  admin token:  ${token}    (Authorization: Bearer <token>)`);
  console.log(`  database:     ${settings.databaseUrl}`);
  console.log(`  CONFIG_ROOT:  ${configRoot}`);
  console.log(`  dhcpd -t:     ${gateway.dhcpd ?? 'NOT FOUND (files are written unvalidated)'}`);
  console.log(`  GATEWAY_SERVERS_FILE (server-side OMAPI settings; the key is fresh for this run):\n`);
  console.log(indent(readFileSync(servers.path, 'utf8')));
  for (const server of [PRIMARY, SECONDARY]) {
    console.log(`  ${server.configFile} as the operator left it:\n`);
    console.log(indent(readFileSync(path.join(configRoot, server.configFile), 'utf8')));
  }

  const gql: RunGraphQL = async (query, variables = {}) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: any; errors?: unknown[] };
    if (body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors, null, 2)}`);
    return body.data;
  };

  let n = 0;
  await configurePair(gql, lab, ({ title, query, variables, data }) => {
    heading(`API ${++n}: ${title}`);
    console.log(indent(query));
    console.log(`  variables:\n${indent(JSON.stringify(variables, null, 2))}\n  answer:\n${indent(JSON.stringify(data, null, 2))}`);
  });

  const configOf = (server: PairServer) => path.join(configRoot, server.configFile);
  for (const server of [PRIMARY, SECONDARY]) {
    heading(`${server.configFile} as the gateway wrote it (validated with dhcpd -t)`);
    console.log(indent(readFileSync(configOf(server), 'utf8')));
  }

  heading(`Starting dhcpd in both namespaces on those files; polling liveState (the gateway caches each reading 5 s)`);
  console.log(indent(LIVE_STATE));
  const started = Date.now();
  await Promise.all([lab.startDhcpd(PRIMARY.node, configOf(PRIMARY)), lab.startDhcpd(SECONDARY.node, configOf(SECONDARY))]);
  const normalInLogs = Promise.all([PRIMARY, SECONDARY].map((s) => loggedAfter(lab!, s.node, moved('\\S+', 'normal'), started, 40_000)));
  const normal = await waitForLiveState(gql, bothNormal, 40_000, printChanges(started));
  const normalShownMs = Date.now() - started;
  if (!bothNormal(normal.live)) throw new Error(`the pair did not reach normal within 40 s\n${dhcpdLogs()}`);
  const [pNormal, sNormal] = await normalInLogs;
  console.log(`\n  both normal: dhcpd logged it after ${pNormal} ms (primary) / ${sNormal} ms (secondary), liveState showed it after ${normalShownMs} ms`);

  const dhclient = dhclientBinary();
  heading('A DHCP client in the third namespace asks the pair for a lease');
  if (dhclient) {
    const lease = await leaseFromPair(lab, dhclient);
    console.log(`  dhclient bound to ${lease.address}; the lease came from ${lease.server}`);
  } else {
    console.log('  skipped: no dhclient (apt-get install isc-dhcp-client)');
  }

  heading(`Killing the secondary's dhcpd; polling liveState`);
  const killed = Date.now();
  await lab.killDhcpd(SECONDARY.node);
  const interruptedInLog = loggedAfter(lab, PRIMARY.node, moved('normal', 'communications-interrupted'), killed, 30_000);
  const interrupted = await waitForLiveState(gql, primaryInterrupted, 30_000, printChanges(killed));
  const interruptedShownMs = Date.now() - killed;
  if (!primaryInterrupted(interrupted.live)) throw new Error(`the primary did not report communications-interrupted within 30 s\n${dhcpdLogs()}`);
  console.log(`\n  answer:\n${indent(JSON.stringify({ failoverRelationship: { liveState: interrupted.live } }, null, 2))}`);
  console.log(
    `\n  primary communications-interrupted: dhcpd logged it after ${await interruptedInLog} ms, liveState showed it after ${interruptedShownMs} ms`,
  );

  if (keep) {
    heading(`--keep: the gateway stays at ${url} (token above) with the primary running; Ctrl-C to clean up`);
    await new Promise(() => {});
  }
}

/** Prints a liveState reading when it differs from the one before (a new poll, or a new state). */
function printChanges(since: number): (live: LiveState | null) => void {
  let last = '';
  return (live) => {
    const text = JSON.stringify(live);
    if (text === last) return;
    last = text;
    const peer = (p: LiveState['primary']) => (p.reachable ? `${p.state} (partner ${p.partnerState})` : `unreachable: ${p.error}`);
    const when = `+${((Date.now() - since) / 1000).toFixed(1)} s`.padStart(8);
    console.log(live ? `  ${when}  primary: ${peer(live.primary)}   secondary: ${peer(live.secondary)}` : `  ${when}  liveState: null`);
  };
}

function dhcpdLogs(): string {
  return ['primary', 'secondary'].map((node) => `--- dhcpd on ${node}:\n${lab?.log(node) ?? ''}`).join('\n');
}

function closeHttp(): Promise<void> {
  return new Promise((resolve) => {
    if (!http) return resolve();
    http.close(() => resolve());
    http.closeAllConnections();
  });
}

let cleaning: Promise<void> | undefined;
/**
 * dhcpd processes, namespaces, links and files first (what outlives us if we are killed), then HTTP and the
 * gateway; each step on its own, so one failure does not keep the rest.
 *
 * After a signal the gateway is not stopped here: Apollo Server stops itself on SIGINT/SIGTERM (its
 * stopOnTerminationSignals, on outside NODE_ENV=test), and in @apollo/server 5.5.1 a second, concurrent
 * `stop()` waits on a barrier that a successful stop never resolves, so `gateway.stop()` would hang.
 */
function cleanup(afterSignal = false): Promise<void> {
  cleaning ??= (async () => {
    const steps: [string, () => Promise<void> | void][] = [
      ['lab', () => lab?.destroy()],
      ['HTTP server', closeHttp],
      ['gateway', () => (afterSignal ? undefined : gateway?.stop())],
    ];
    for (const [what, step] of steps) {
      try {
        await step();
      } catch (err) {
        console.error(`cleanup of the ${what} failed: ${(err as Error).message}`);
        process.exitCode = 1;
      }
    }
    if (lab) console.log('\nCleaned up: dhcpd stopped, namespaces, links and temporary files removed.');
  })();
  return cleaning;
}

// `on`, not `once`: a Ctrl-C reaches this process twice (from the terminal, and forwarded by npm), and Apollo
// re-sends the signal once it has stopped; none of them may kill the process halfway through the cleanup.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (cleaning) return;
    console.log(`\n${signal}: cleaning up`);
    void cleanup(true).finally(() => process.exit(128 + os.constants.signals[signal]));
  });
}

main()
  .catch((err: unknown) => {
    if (cleaning) return; // interrupted: the scenario broke because its lab went away
    console.error(`\ndemo:pair failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  })
  .finally(() => cleanup());
