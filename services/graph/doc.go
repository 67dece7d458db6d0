// Package graph is what the four GraphQL subgraphs (accounts, infra,
// console, audit) share around their generated servers:
//
//   - Authenticate and WebsocketInit: every request must carry a
//     Weft-Principal assertion signed by the gateway (auth.Signer); the
//     verified principal is put in the request context with auth.With. No
//     other header is trusted. A request without a valid assertion gets HTTP
//     401 and a GraphQL error coded UNAUTHENTICATED; a graphql-transport-ws
//     connection may instead carry it in its connection_init payload.
//   - ErrorPresenter: *fault.Error becomes extensions.code (and .field);
//     anything else is an internal error, shown as "internal error" and a
//     request id, its details logged with slog only.
//   - Paginate: Relay connections over sorted lists, with opaque cursors;
//     Window and Edges the same for a read model that keeps its list in
//     order and reads only the page.
//   - MinSeq: the read-your-writes argument, checked at the edge.
//   - Through: the sequence a subscription reads its fresh read-model view
//     at, once the store's Watch (one consumer per process, whatever the
//     number of subscriptions) has rung for an aggregate's new event.
//   - NewHandler: the HTTP handler of one subgraph (POST and
//     graphql-transport-ws on one path), with a complexity limit for
//     clients that reach a subgraph directly, and with a TracerProvider a
//     span per request (joining the gateway's trace by its traceparent)
//     and per root field resolved.
//
// The package holds no state of its own; everything is built per subgraph.
package graph
