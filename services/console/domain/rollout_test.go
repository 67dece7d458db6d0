package domain_test

import (
	"testing"

	cd "weft.dev/services/console/domain"
)

func TestARolloutIsDoneOnlyWhenItsGenerationIsEveryReplicaUpdatedReadyAndAvailable(t *testing.T) {
	done := cd.Rollout{Generation: 7, DeploymentGeneration: 3, ObservedGeneration: 3, Desired: 2, Updated: 2, Ready: 2, Available: 2}
	if !done.RolledOut(7) || !done.RolledOut(5) {
		t.Fatal("a finished rollout does not count")
	}
	for name, r := range map[string]cd.Rollout{
		"older spec":          {Generation: 6, DeploymentGeneration: 3, ObservedGeneration: 3, Desired: 2, Updated: 2, Ready: 2, Available: 2},
		"not observed":        {Generation: 7, DeploymentGeneration: 4, ObservedGeneration: 3, Desired: 2, Updated: 2, Ready: 2, Available: 2},
		"old pods":            {Generation: 7, DeploymentGeneration: 3, ObservedGeneration: 3, Desired: 2, Updated: 1, Ready: 2, Available: 2},
		"not ready":           {Generation: 7, DeploymentGeneration: 3, ObservedGeneration: 3, Desired: 2, Updated: 2, Ready: 1, Available: 1},
		"refused":             {Generation: 7, DeploymentGeneration: 3, ObservedGeneration: 3, LastError: "forbidden"},
		"nothing applied (0)": {},
	} {
		if r.RolledOut(7) {
			t.Errorf("%s counts as rolled out", name)
		}
	}
}
