// Package kernel is the root of weft's leaf module: the few packages every
// other module needs and that need nothing of weft's themselves: who is
// calling (auth), the coded errors every edge speaks (fault), the
// validation of names, addresses, ports and keys at the edge (validate),
// subject tokens (token), how far a follower of the log has got
// (watermark), the supervision of long-running loops and goroutines
// (supervise), and the tests' one way to wait for an effect (wait).
// The module requires nothing; TestModulesRequireOnlyWhatIsBelowThem
// (tools/layering) keeps it so.
package kernel
