import { readFileSync } from 'node:fs';
import path from 'node:path';

/** A file of seeds/failover-pair as the seed copies it into CONFIG_ROOT. */
export const seedFile = (name: string): string => readFileSync(path.resolve(__dirname, `../../seeds/failover-pair/${name}.conf`), 'utf8');

/**
 * What the gateway writes for relationship "ab" of the seeded pair (seeds/failover-pair: dhcp-a 192.0.2.10
 * primary, dhcp-b 192.0.2.11 secondary) with the default values, in the format SPEC.md fixes.
 */
export const AB_PRIMARY = `failover peer "ab" {
  primary;
  address 192.0.2.10;
  port 647;
  peer address 192.0.2.11;
  peer port 647;
  max-response-delay 60;
  max-unacked-updates 10;
  mclt 3600;
  split 128;
  load balance max seconds 3;
}`;

export const AB_SECONDARY = `failover peer "ab" {
  secondary;
  address 192.0.2.11;
  port 647;
  peer address 192.0.2.10;
  peer port 647;
  max-response-delay 60;
  max-unacked-updates 10;
  load balance max seconds 3;
}`;
