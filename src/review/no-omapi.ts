import { Severity, type ServerCheck } from './problem';

/** Without `omapi-port` the gateway can neither read a server's failover state nor set partner-down. */
export const noOmapi: ServerCheck = ({ side, relationships }) => {
  if (!side.model || side.model.omapiPort !== null || relationships.length === 0) return [];
  return [
    {
      code: 'NO_OMAPI',
      severity: Severity.WARNING,
      server: side.server,
      scope: null,
      message: `the file of server "${side.server.name}" has no omapi-port, although it is in failover relationship ${relationships.map((r) => `"${r.name}"`).join(', ')}: its live state cannot be read and setPartnerDown cannot reach it. Add \`omapi-port 7911;\` (and an omapi-key) to the file, or run modifyFailoverRelationship, which writes them.`,
    },
  ];
};
