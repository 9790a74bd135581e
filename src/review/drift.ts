import { Severity, type ServerCheck } from './problem';

/** A file changed outside the gateway since it last read or wrote it: changes to the server wait for syncServer. */
export const drift: ServerCheck = ({ side }) => {
  if (side.hash === null || side.seenHash === null || side.hash === side.seenHash) return [];
  return [
    {
      code: 'DRIFT',
      severity: Severity.WARNING,
      server: side.server,
      scope: null,
      message: `the file of server "${side.server.name}" was changed outside the gateway since it last read or wrote it (see the server's drift for the diff); the gateway refuses to change this server until you run syncServer, which takes the change over if dhcpd -t accepts it`,
    },
  ];
};
