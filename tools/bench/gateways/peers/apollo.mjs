// Apollo Gateway (with Apollo Server) serving the composed supergraph, for
// weft-bench gateways. Each subgraph request carries the client's
// Weft-Principal header, the signed assertion weft's subgraphs require
// (weft's own gateway signs it after resolving the API token; the load
// generator signs it for the peers).
//
//   SUPERGRAPH=file PORT=n node apollo.mjs
import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';

class Forward extends RemoteGraphQLDataSource {
  willSendRequest({ request, context }) {
    if (context.principal) request.http.headers.set('weft-principal', context.principal);
  }
}

const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(process.env.SUPERGRAPH, 'utf8'),
  buildService: ({ url }) => new Forward({ url }),
});
const server = new ApolloServer({ gateway, csrfPrevention: false });
const { url } = await startStandaloneServer(server, {
  listen: { host: '127.0.0.1', port: Number(process.env.PORT) },
  context: async ({ req }) => ({ principal: req.headers['weft-principal'] }),
});
console.log(`listening ${url}`);
