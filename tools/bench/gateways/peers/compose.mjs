// Composes weft's subgraphs into an Apollo Federation supergraph with
// @apollo/composition, for both peer gateways (Hive Gateway serves an
// Apollo supergraph as it is).
//
//   node compose.mjs OUT name=URL=SDLFILE...
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'graphql';
import { composeServices } from '@apollo/composition';

const [out, ...subgraphs] = process.argv.slice(2);
const services = subgraphs.map((arg) => {
  const [name, url, file] = arg.split('=');
  return { name, url, typeDefs: parse(readFileSync(file, 'utf8')) };
});
const result = composeServices(services);
if (result.errors?.length) {
  for (const e of result.errors) console.error(e.message);
  process.exit(1);
}
writeFileSync(out, result.supergraphSdl);
