package command

import (
	"strings"
	"testing"

	"weft.dev/tools/cli/api"
)

func TestWaitCountsOnlyEnrolledConcernedClustersAndNamesTheOnesBehind(t *testing.T) {
	t.Parallel()
	seq := func(n int) *int { return &n }
	clusters := []api.ClusterFields{
		{Id: "a", Name: "eu-1", Enrolled: true, Status: api.ClusterFieldsStatusClusterStatus{AppliedSeq: seq(50)}},
		{Id: "b", Name: "us-1", Enrolled: true, Status: api.ClusterFieldsStatusClusterStatus{AppliedSeq: seq(40)}},
		{Id: "c", Name: "new", Enrolled: false},
	}
	done, line := progress(clusters, 45, nil)
	if done || !strings.Contains(line, "1/2") || !strings.Contains(line, "us-1 at 40") {
		t.Errorf("all: %v %q", done, line)
	}
	if done, line := progress(clusters, 45, []string{"a"}); !done || !strings.Contains(line, "1/1") {
		t.Errorf("only eu-1: %v %q", done, line)
	}
	if done, _ := progress(clusters, 40, nil); !done {
		t.Error("both applied 40 but the wait goes on")
	}
	if done, line := progress(clusters[2:], 1, nil); !done || !strings.Contains(line, "no enrolled cluster") {
		t.Errorf("no enrolled cluster: %v %q", done, line)
	}
}
