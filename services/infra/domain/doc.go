// Package domain holds the infra service's rules as pure functions: the
// team network's address allocator, and Decide/Evolve for the network,
// cluster and device aggregates. It does no I/O.
//
// # Address layout
//
// Every team has its own WireGuard mesh in 100.64.0.0/10 (the CGNAT range),
// owned by one aggregate per team, ev.<team>.network.net:
//
//	100.64.0.0/12   NodeBlock: /32s of cluster gateways, devices and
//	                workspaces. Addresses whose last octet is 0 or 255 are
//	                never handed out (tools treat them as network/broadcast
//	                addresses), leaving 4096×254 = 1,040,384 addresses.
//	100.80.0.0/12   service ranges: one /20 per cluster (4096 service IPs
//	                for its apps and managed services), a team's first 256
//	                clusters.
//	100.96.0.0/11   service ranges of its clusters 257 to 768 (MaxClusters).
//
// Agents and devices route the whole 100.64.0.0/10 into the mesh, so a range
// from either block is reachable alike.
//
// Guarantees: an address or range is held by at most one owner at a time;
// the allocator always hands out the lowest free address (and range), so a
// freed one is reused, but only once the AddressReleased/RangeReleased event
// is in the log — which is appended atomically with the owner's
// ClusterDeleted/DeviceDeleted. Concurrency is the store's job: every
// allocation is appended expecting the network aggregate's version, so two
// deciders working from the same state cannot both succeed.
//
// Every error a Decide function returns is a *fault.Error users can act on
// that also matches one of the Err sentinels with errors.Is.
package domain
