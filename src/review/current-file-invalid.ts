import { Severity, type ServerCheck } from './problem';

/** dhcpd refuses the file as it is now: the server will not start with it, and every change to it is refused. */
export const currentFileInvalid: ServerCheck = ({ side }) => {
  if (side.verdict?.ok !== false) return [];
  const messages = side.verdict.messages.length > 0 ? side.verdict.messages : [side.verdict.output.trim()];
  return [
    {
      code: 'CURRENT_FILE_INVALID',
      severity: Severity.ERROR,
      server: side.server,
      scope: null,
      message: `dhcpd -t refuses the current file of server "${side.server.name}" (dhcpd will not start with it, and the gateway refuses changes to it): ${messages.join('; ')}. Fix the file by hand, then run syncServer.`,
    },
  ];
};
