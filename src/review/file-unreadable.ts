import { Severity, type ServerCheck } from './problem';

/** The gateway could not read the file, so nothing else about this server could be checked. */
export const fileUnreadable: ServerCheck = ({ side }) => {
  if (side.readError === null) return [];
  return [
    {
      code: 'FILE_UNREADABLE',
      severity: Severity.ERROR,
      server: side.server,
      scope: null,
      message: `the file of server "${side.server.name}" (${side.server.configPath}) could not be read: ${side.readError}. Nothing else about it was checked; restore the file or its permissions.`,
    },
  ];
};
