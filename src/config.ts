import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { OmapiKey } from './domain';

/** Per-server settings that only the operator may set: never API fields. */
export interface ServerHooks {
  /** argv of the reload command, run without a shell after the server's file was replaced */
  reload?: string[];
  reloadTimeoutSeconds: number;
  omapiPort: number;
  omapiKey?: OmapiKey;
  /** the server's dhcpd.leases, on the machine its transport reaches; only ever read */
  leases: string;
  /** when Utilization.level turns WARNING and CRITICAL, in percent of addresses active */
  utilization: UtilizationThresholds;
  /** how an SSH server is reached; required for a server added with `transport: SSH` */
  ssh?: SshSettings;
  /** an SSH server's files (configPath and every include) must lie under this folder on the server */
  remoteRoot: string;
  /** the dhcpd that checks an SSH server's candidates, on that server (a name on its PATH, or a path) */
  dhcpd: string;
}

export interface SshSettings {
  /** default: the server's address */
  host?: string;
  port: number;
  user: string;
  /** an unencrypted OpenSSH or PEM private key, read at each connection and never logged */
  privateKeyFile: string;
  /** the pinned host key fingerprint, `SHA256:…` as `ssh-keygen -l` prints it; without it the server is refused */
  hostKey?: string;
}

export interface UtilizationThresholds {
  warningPercent: number;
  criticalPercent: number;
}

export interface Settings {
  host: string;
  port: number;
  databaseUrl: string;
  configRoot: string;
  /** explicit DHCPD_BIN, or null to look for `dhcpd` on the PATH */
  dhcpdBin: string | null;
  adminToken: string | null;
  /** introspection and the explorer page; on unless NODE_ENV=production or set explicitly */
  introspection: boolean;
  explorer: boolean;
  /** how often a relationship with subscribers (Subscription.liveStateChanged) is polled over OMAPI */
  liveStatePollMs: number;
  /**
   * what answers queries (GRAPHQL_EXECUTOR): `json`, the default, writes the answer of a query that asks only for
   * what its prefetch read as JSON straight from the rows (src/json-answer.ts) and runs every other one on
   * graphql-jit; `jit` runs every query on graphql-jit; `graphql-js` runs everything on graphql-js
   */
  executor: 'json' | 'jit' | 'graphql-js';
  hooksFor(serverName: string): ServerHooks;
}

const DEFAULT_HOOKS: ServerHooks = {
  reloadTimeoutSeconds: 30,
  omapiPort: 7911,
  leases: '/var/lib/dhcp/dhcpd.leases',
  utilization: { warningPercent: 80, criticalPercent: 95 },
  remoteRoot: '/etc/dhcp',
  dhcpd: 'dhcpd',
};

export class SettingsError extends Error {}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const production = env.NODE_ENV === 'production';
  const port = Number(env.PORT ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SettingsError(`PORT must be 0..65535, got "${env.PORT}"`);
  const liveStatePollMs = Number(env.LIVE_STATE_POLL_MS || 2000);
  if (!Number.isInteger(liveStatePollMs) || liveStatePollMs < 100) throw new SettingsError(`LIVE_STATE_POLL_MS must be an integer of at least 100, got "${env.LIVE_STATE_POLL_MS}"`);
  const hooks = loadServerHooks(env.GATEWAY_SERVERS_FILE);
  const executor = env.GRAPHQL_EXECUTOR || 'json';
  if (executor !== 'json' && executor !== 'jit' && executor !== 'graphql-js') throw new SettingsError(`GRAPHQL_EXECUTOR must be json, jit or graphql-js, got "${executor}"`);
  return {
    host: env.HOST ?? '127.0.0.1',
    port,
    databaseUrl: env.DATABASE_URL ?? 'sqlite:./data/gateway.db',
    configRoot: path.resolve(env.CONFIG_ROOT ?? './data/servers'),
    dhcpdBin: env.DHCPD_BIN || null,
    adminToken: env.GATEWAY_ADMIN_TOKEN || null,
    introspection: flag(env.GRAPHQL_INTROSPECTION, !production),
    explorer: flag(env.GRAPHQL_EXPLORER, !production),
    liveStatePollMs,
    executor,
    hooksFor: (name) => {
      const own = hooks.servers[name];
      // utilization merges key by key, so a server may override one threshold and inherit the other
      const utilization = { ...DEFAULT_HOOKS.utilization, ...hooks.defaults.utilization, ...own?.utilization };
      const { ssh, ...rest } = { ...hooks.defaults, ...own };
      return { ...DEFAULT_HOOKS, ...rest, utilization, ssh: ssh && { port: 22, ...ssh } };
    },
  };
}

type ServerHooksEntry = Partial<Omit<ServerHooks, 'utilization' | 'ssh'>> & { utilization?: Partial<UtilizationThresholds>; ssh?: Omit<SshSettings, 'port'> & { port?: number } };

interface ServerHooksFile {
  defaults: ServerHooksEntry;
  servers: Record<string, ServerHooksEntry>;
}

/**
 * GATEWAY_SERVERS_FILE: JSON `{ "defaults": {…}, "servers": { "<name>": { "reload": [argv…], "omapiPort": 7911,
 * "omapiKey": {…}, "leases": "/var/lib/dhcp/dhcpd.leases", "utilization": { "warningPercent": 80, "criticalPercent": 95 },
 * "ssh": { "host": "…", "port": 22, "user": "…", "privateKeyFile": "…", "hostKey": "SHA256:…" }, "remoteRoot": "/etc/dhcp",
 * "dhcpd": "dhcpd" } } }`
 */
function loadServerHooks(file: string | undefined): ServerHooksFile {
  if (!file) return { defaults: {}, servers: {} };
  let parsed: Partial<ServerHooksFile>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<ServerHooksFile>;
  } catch (e) {
    throw new SettingsError(`GATEWAY_SERVERS_FILE: cannot read ${file}: ${(e as Error).message}`);
  }
  const all = [parsed.defaults ?? {}, ...Object.values(parsed.servers ?? {})];
  for (const h of all) {
    if (h.reload !== undefined && (!Array.isArray(h.reload) || h.reload.length === 0 || !h.reload.every((a) => typeof a === 'string'))) {
      throw new SettingsError('GATEWAY_SERVERS_FILE: "reload" must be a non-empty array of strings (argv, no shell)');
    }
    if (h.leases !== undefined && (typeof h.leases !== 'string' || !path.isAbsolute(h.leases))) {
      throw new SettingsError('GATEWAY_SERVERS_FILE: "leases" must be an absolute path');
    }
    for (const key of ['remoteRoot', 'dhcpd'] as const) {
      if (h[key] !== undefined && (typeof h[key] !== 'string' || h[key] === '' || (key === 'remoteRoot' && !path.posix.isAbsolute(h[key])))) {
        throw new SettingsError(`GATEWAY_SERVERS_FILE: "${key}" must be ${key === 'remoteRoot' ? 'an absolute path' : 'a non-empty string'}`);
      }
    }
    if (h.ssh !== undefined) checkSsh(h.ssh);
    const percents = Object.values(h.utilization ?? {});
    if (percents.some((p) => typeof p !== 'number' || !(p >= 0 && p <= 100))) {
      throw new SettingsError('GATEWAY_SERVERS_FILE: "utilization" thresholds must be numbers from 0 to 100');
    }
  }
  const defaults = { ...DEFAULT_HOOKS.utilization, ...parsed.defaults?.utilization };
  for (const [name, h] of [['defaults', {}] as const, ...Object.entries(parsed.servers ?? {})]) {
    const { warningPercent, criticalPercent } = { ...defaults, ...h.utilization };
    if (warningPercent > criticalPercent) throw new SettingsError(`GATEWAY_SERVERS_FILE: ${name}: "utilization.warningPercent" is above "criticalPercent"`);
  }
  return { defaults: parsed.defaults ?? {}, servers: parsed.servers ?? {} };
}

function checkSsh(ssh: Partial<SshSettings>): void {
  const bad = (what: string) => new SettingsError(`GATEWAY_SERVERS_FILE: "ssh.${what}`);
  if (typeof ssh !== 'object' || ssh === null) throw new SettingsError('GATEWAY_SERVERS_FILE: "ssh" must be an object');
  if (ssh.host !== undefined && (typeof ssh.host !== 'string' || ssh.host === '')) throw bad('host" must be a host name or address');
  if (ssh.port !== undefined && !(Number.isInteger(ssh.port) && ssh.port > 0 && ssh.port < 65536)) throw bad('port" must be 1..65535');
  if (typeof ssh.user !== 'string' || ssh.user === '') throw bad('user" is required');
  if (typeof ssh.privateKeyFile !== 'string' || !path.isAbsolute(ssh.privateKeyFile)) throw bad('privateKeyFile" must be an absolute path');
  // A missing pin is refused when connecting (SERVER_UNREACHABLE), so the server shows why; a malformed one is a typo to fix now.
  if (ssh.hostKey !== undefined && !(typeof ssh.hostKey === 'string' && /^SHA256:[A-Za-z0-9+/]{43}=?$/.test(ssh.hostKey))) {
    throw bad('hostKey" must be a SHA256:… fingerprint as ssh-keygen -l prints it (npm run ssh-fingerprint)');
  }
}

function flag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}
