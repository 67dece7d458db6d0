package command

// OnPlaced runs f once a creation has read its cluster live, before it
// appends (Handlers.placed).
func OnPlaced(h *Handlers, f func()) { h.placed = f }

// OnCloning runs f before a clone's append, with the new environment's
// id (Handlers.cloning).
func OnCloning(h *Handlers, f func(envID string)) { h.cloning = f }
