import 'reflect-metadata';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createGateway } from './app';
import { loadSettings } from './config';
import type { DhcpServer } from './entities';
import type { Services } from './services';

/** Named demo scenarios in seeds/<name>/: config files plus scenario.json saying what registers them. */
export const SEEDS_DIR = path.join(packageRoot(__dirname), 'seeds');

/** The same code runs from src/ (tests) and dist/src/ (npm run seed): look up the folder holding package.json. */
function packageRoot(dir: string): string {
  return existsSync(path.join(dir, 'package.json')) ? dir : packageRoot(path.dirname(dir));
}

interface Scenario {
  description: string;
  servers: { name: string; address: string; config: string }[];
}

/** Copies the scenario's files into CONFIG_ROOT (an existing file is kept) and registers its servers. */
export async function seedScenario(services: Services, configRoot: string, name: string): Promise<DhcpServer[]> {
  const dir = path.join(SEEDS_DIR, name);
  const scenario = JSON.parse(readFileSync(path.join(dir, 'scenario.json'), 'utf8')) as Scenario;
  mkdirSync(configRoot, { recursive: true });
  const servers: DhcpServer[] = [];
  for (const s of scenario.servers) {
    const target = path.join(configRoot, `${s.name}.conf`);
    if (!existsSync(target)) copyFileSync(path.join(dir, s.config), target);
    servers.push(await services.servers.addServer({ name: s.name, address: s.address, configPath: target }));
  }
  return servers;
}

async function main(): Promise<void> {
  const name = process.argv[2] ?? 'failover-pair';
  const settings = loadSettings();
  const gateway = await createGateway(settings);
  try {
    const servers = await seedScenario(gateway.services({}), settings.configRoot, name);
    console.log(`seeded "${name}": ${servers.map((s) => `${s.name} (${s.configPath})`).join(', ')}`);
  } finally {
    await gateway.stop();
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
