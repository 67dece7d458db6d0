// Package kernel is the root of weft's leaf module: the few packages every
// other module needs and that need nothing of weft's themselves: who is
// calling (auth), the coded errors every edge speaks (fault), and the
// validation of names, addresses, ports and keys at the edge (validate).
// The module requires nothing; TestModulesRequireOnlyWhatIsBelowThem
// (tools/layering) keeps it so.
package kernel
