package query

// CheckpointsKept is how many as-of checkpoints s holds (tests).
func (s *Service) CheckpointsKept() int {
	s.checkpoints.mu.Lock()
	defer s.checkpoints.mu.Unlock()
	n := 0
	for _, cps := range s.checkpoints.byKey {
		n += len(cps)
	}
	return n
}
