import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigEditor, ConfigValueError, parseConfig } from '../../../src/config-sync';
import { dedent } from '../../helpers/dedent';
import { itEdits } from './support';

const SECRET = 'zFNdKqEeDrlcJvUSaPVd8FkA2bY+x8jrVbee01spaL3q8Vk6bCPr+V9JHhLd4mThwcP4SmKKCwwuv61czYDn7g==';
const KEY = { name: 'omapi_key', algorithm: 'hmac-md5', secret: SECRET } as const;

describe('ensureOmapi', () => {
  const text = 'authoritative;\nsubnet 10.0.0.0 netmask 255.255.255.0 {\n\trange 10.0.0.10 10.0.0.20;\n}\n';
  itEdits(
    'adds the key declaration, omapi-port and omapi-key at the end of the file',
    () => new ConfigEditor(parseConfig(text)).ensureOmapi(7911, KEY).apply(),
    (result) => {
      expect(result).toBe(
        text +
          dedent`

            key omapi_key {
            \talgorithm hmac-md5;
            \tsecret "${SECRET}";
            }
            omapi-port 7911;
            omapi-key omapi_key;
          `,
      );
      expect(parseConfig(result)).toMatchObject({ omapiPort: 7911, omapiKey: 'omapi_key', keys: ['omapi_key'] });
    },
  );

  itEdits(
    'adds only omapi-port when no key is asked for',
    () => new ConfigEditor(parseConfig('authoritative;\n')).ensureOmapi(7912).apply(),
    (result) => expect(result).toBe('authoritative;\n\nomapi-port 7912;\n'),
  );

  it('changes nothing when the file already has them, whatever their values', () => {
    const text = readFileSync(path.resolve(__dirname, '../../fixtures/dhcpd/include-secondary-noeol.conf'), 'utf8');
    expect(new ConfigEditor(parseConfig(text)).ensureOmapi(7000, { ...KEY, secret: 'c2VjcmV0' }).edits()).toEqual([]);
  });

  itEdits(
    'adds omapi-key next to a key that is already declared, without declaring it twice',
    () => new ConfigEditor(parseConfig('omapi-port 7911;\nkey omapi_key { algorithm hmac-md5; secret c2VjcmV0; }\n')).ensureOmapi(7911, KEY).apply(),
    (result) => expect(result).toBe('omapi-port 7911;\nkey omapi_key { algorithm hmac-md5; secret c2VjcmV0; }\n\nomapi-key omapi_key;\n'),
  );

  it('refuses a bad port, key name, secret or algorithm', () => {
    const editor = new ConfigEditor(parseConfig(''));
    expect(() => editor.ensureOmapi(0)).toThrow(ConfigValueError);
    expect(() => editor.ensureOmapi(7911, { ...KEY, name: 'a b' })).toThrow(ConfigValueError);
    expect(() => editor.ensureOmapi(7911, { ...KEY, secret: 'not base64!' })).toThrow(ConfigValueError);
    expect(() => editor.ensureOmapi(7911, { ...KEY, algorithm: 'hmac-sha1' as 'hmac-md5' })).toThrow(ConfigValueError);
  });
});
