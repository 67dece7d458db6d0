// Package streams is the JetStream configuration of the streams the
// clusterstate contract names (CL_<cluster>, TM_<team>, TS_<team>): last
// value per subject, kept on file. It is apart from clusterstate so that
// the contract's types and names import no NATS (a read model names a
// namespace the way an agent makes it without reaching the client).
package streams

import (
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events/clusterstate"
)

// Cluster is the configuration of the cluster's stream.
func Cluster(cluster string, replicas int) jetstream.StreamConfig {
	return lastValueStream(clusterstate.StreamName(cluster), "desired state of cluster "+cluster, "cl."+cluster+".>", replicas)
}

// Team is the configuration of the team's stream.
func Team(team string, replicas int) jetstream.StreamConfig {
	return lastValueStream(clusterstate.TeamStreamName(team), "desired state every cluster of team "+team+" shares", "tm."+team+".>", replicas)
}

// Snapshot is the configuration of the team's snapshot stream.
func Snapshot(team string, replicas int) jetstream.StreamConfig {
	return lastValueStream(clusterstate.SnapshotStreamName(team), "snapshot of team "+team+"'s stream", "ts."+team+".>", replicas)
}

func lastValueStream(name, description, subject string, replicas int) jetstream.StreamConfig {
	if replicas < 1 {
		replicas = 1
	}
	return jetstream.StreamConfig{
		Name:              name,
		Description:       description,
		Subjects:          []string{subject},
		Storage:           jetstream.FileStorage,
		Replicas:          replicas,
		Retention:         jetstream.LimitsPolicy,
		MaxMsgsPerSubject: 1,
		Discard:           jetstream.DiscardOld,
		AllowDirect:       true,
		Duplicates:        2 * time.Minute,
	}
}
