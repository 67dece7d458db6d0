// Registers the portal's operations for the gateway's persisted operations:
// reads every document of src/api/generated.ts exactly as the portal sends
// it (TypedDocumentString's text) and writes them to
// schemas/operations/portal.json, in the format of the CLI's cli.json.
// `go tool task portal` runs it after codegen; portal-check fails when the
// committed file differs.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const generated = readFileSync(join(here, '..', 'src', 'api', 'generated.ts'), 'utf8');
const ops = [];
for (const m of generated.matchAll(/export const (\w+)Document = new TypedDocumentString\(`([^`]*)`/g)) {
  const [, name, text] = m;
  // A template literal's text is the string only without escapes or
  // substitutions; codegen writes neither for GraphQL documents.
  if (text.includes('\\') || text.includes('${')) throw new Error(`operation ${name}: its text has escapes; register it another way`);
  ops.push({ operationName: name, query: text, sourceLocation: 'gateway/portal/src/api/operations.graphql' });
}
if (ops.length === 0) throw new Error('no operation found in src/api/generated.ts');
ops.sort((a, b) => (a.operationName < b.operationName ? -1 : 1));
writeFileSync(join(here, '..', '..', '..', 'schemas', 'operations', 'portal.json'), JSON.stringify({ operations: ops }, null, 2) + '\n');
console.log(`registered ${ops.length} portal operations in schemas/operations/portal.json`);
