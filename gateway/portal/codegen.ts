// GraphQL Code Generator: typed operations from the composed schema.
// The schema is composed from the subgraph schemas by `go tool task portal`
// (go run weft.dev/tools/cmd/compose-schema) into schema.graphqls, which is
// not committed: only the operations' types are, so a schema change that
// leaves the portal's operations alone does not touch them.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema.graphqls',
  documents: 'src/api/operations.graphql',
  generates: {
    'src/api/generated.ts': {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        onlyOperationTypes: true,
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { Time: 'string', JSON: 'unknown' },
        avoidOptionals: false,
        // Operations as plain strings: no GraphQL runtime in the bundle.
        documentMode: 'string',
      },
    },
  },
  hooks: {},
};
export default config;
