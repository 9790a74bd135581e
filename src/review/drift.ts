import { Severity, type ServerCheck } from './problem';

/** A file of the server changed outside the gateway since it last read or wrote it: changes to the server wait for syncServer. */
export const drift: ServerCheck = ({ side }) => {
  if (side.drifted.length === 0) return [];
  return [
    {
      code: 'DRIFT',
      severity: Severity.WARNING,
      server: side.server,
      scope: null,
      message: `${side.drifted.length === 1 ? 'the file' : 'the files'} ${side.drifted.join(', ')} of server "${side.server.name}" ${side.drifted.length === 1 ? 'was' : 'were'} changed outside the gateway since it last read or wrote it (see the server's drift for the diff); the gateway refuses to change this server until you run syncServer, which takes the change over if dhcpd -t accepts it`,
    },
  ];
};
