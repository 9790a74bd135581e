import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Types for the operations in src/ from the committed schema.graphql. Paths are relative to the repository root,
 * where `npm run example:typed-client` runs. src/gql/ is generated: not committed.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['examples/typed-client/src/**/*.ts', '!examples/typed-client/src/gql/**'],
  generates: {
    'examples/typed-client/src/gql/': {
      preset: 'client',
      config: {
        // Documents as typed strings: the client posts them with fetch() and needs no GraphQL library at run time.
        documentMode: 'string',
        scalars: { DateTimeISO: 'string', IPv4: 'string', IPv4CIDR: 'string' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
  // A document that no longer matches the schema fails here, before tsc sees it.
  noSilentErrors: true,
};

export default config;
