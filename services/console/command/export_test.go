package command

// OnPlaced runs f once a creation has read its cluster live, before it
// appends (Handlers.placed).
func OnPlaced(h *Handlers, f func()) { h.placed = f }
