import 'reflect-metadata';
import { createGateway } from './app';
import { bootstrapNotice, ensureBootstrapAdmin } from './auth/bootstrap';
import { loadSettings } from './config';

/** Bootstrap only: settings, gateway, listen. */
async function main(): Promise<void> {
  const settings = loadSettings();
  const gateway = await createGateway(settings);
  // Never open by accident: with no admin token configured, make one, print it once, keep only its hash.
  const bootstrap = await ensureBootstrapAdmin(gateway.db, settings.adminToken);
  if (bootstrap) console.log(bootstrapNotice(bootstrap));
  if (!gateway.dhcpd) {
    console.error('WARNING: dhcpd was not found (DHCPD_BIN or PATH): config files will be written WITHOUT dhcpd -t validation');
  }
  gateway.server.listen(settings.port, settings.host, () => {
    console.log(`dhcp-failover-gateway listening on http://${settings.host}:${settings.port}`);
    console.log(`  GraphQL explorer: http://${settings.host}:${settings.port}/graphql`);
    console.log(`  database: ${settings.databaseUrl.replace(/\/\/[^@/]*@/, '//***@')}   CONFIG_ROOT: ${settings.configRoot}`);
  });
  // stop() drains the HTTP server and closes the subscriptions' sockets (see app.ts)
  const shutdown = () => void gateway.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
