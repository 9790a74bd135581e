/**
 * `npm run ssh-fingerprint -- <host> [port]`: prints the SSH host key fingerprint that the gateway will see
 * (fetched with ssh2 itself, so the key type is the one the gateway negotiates), as `SHA256:…` for
 * servers.<name>.ssh.hostKey. It trusts nothing: the operator compares it out of band before pinning it.
 */
import { Client } from 'ssh2';
import { fingerprint, keyType } from './transport/ssh';

async function main(argv: string[]): Promise<number> {
  const [host, portText = '22'] = argv;
  const port = Number(portText);
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) {
    console.error('usage: npm run ssh-fingerprint -- <host> [port]');
    return 2;
  }
  const key = await new Promise<Buffer>((resolve, reject) => {
    const client = new Client();
    let seen: Buffer | null = null;
    client.on('error', (e) => (seen ? resolve(seen) : reject(e)));
    client.on('close', () => (seen ? resolve(seen) : reject(new Error('the connection closed before a host key was offered'))));
    client.connect({
      host,
      port,
      username: 'fingerprint',
      readyTimeout: 5_000,
      // Refusing the key ends the handshake before any authentication is tried.
      hostVerifier: (blob: Buffer) => {
        seen = blob;
        return false;
      },
    });
  });
  console.log(fingerprint(key));
  const type = keyType(key);
  const file = type.startsWith('ecdsa') ? 'ecdsa' : type.replace(/^ssh-/, '');
  console.error(`${type} host key of ${host}:${port}. Compare it out of band with the server's own`);
  console.error(`"ssh-keygen -l -f /etc/ssh/ssh_host_${file}_key.pub" before pinning it as servers.<name>.ssh.hostKey:`);
  console.error('this connection proves nothing about who answered.');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    console.error(`ssh-fingerprint: ${(e as Error).message}`);
    process.exitCode = 1;
  },
);
