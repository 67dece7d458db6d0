// Hive Gateway's configuration for weft-bench gateways (hive-gateway
// supergraph FILE --config-path this file). Queries and mutations forward
// the client's Weft-Principal header to the subgraphs; subscriptions reach
// them over graphql-transport-ws with the principal the client gave in its
// connection_init payload (weft's subgraphs accept it there).
import { defineConfig } from '@graphql-hive/gateway';

export const gatewayConfig = defineConfig({
  logging: 'error',
  propagateHeaders: {
    fromClientToSubgraphs({ request }) {
      const p = request?.headers.get('weft-principal');
      return p ? { 'weft-principal': p } : {};
    },
  },
  transportEntries: {
    '*.http': {
      options: {
        subscriptions: {
          kind: 'ws',
          options: {
            connectionParams: { 'Weft-Principal': '{context.connectionParams.weftPrincipal}' },
          },
        },
      },
    },
  },
});
