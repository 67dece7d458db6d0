package domain

import (
	"reflect"

	"weft.dev/events"
	"weft.dev/kernel/fault"
)

// ServiceKind is what a managed service runs.
type ServiceKind string

// Managed service kinds.
const (
	Postgres      ServiceKind = "postgres"
	MySQL         ServiceKind = "mysql"
	Redis         ServiceKind = "redis"
	MongoDB       ServiceKind = "mongodb"
	Kafka         ServiceKind = "kafka"
	RabbitMQ      ServiceKind = "rabbitmq"
	Elasticsearch ServiceKind = "elasticsearch"
	OtherKind     ServiceKind = "other"
)

// ServiceKinds lists the valid kinds.
var ServiceKinds = []ServiceKind{Postgres, MySQL, Redis, MongoDB, Kafka, RabbitMQ, Elasticsearch, OtherKind}

// ValidateKind checks a managed service kind.
func ValidateKind(field string, k ServiceKind) error {
	for _, v := range ServiceKinds {
		if k == v {
			return nil
		}
	}
	return fault.Invalidf(field, "%q is not one of postgres, mysql, redis, mongodb, kafka, rabbitmq, elasticsearch, other", k)
}

// Service is a managed service's state: an app's network shape plus a kind.
type Service struct {
	ID        string      `json:"id"`
	Name      string      `json:"name"`
	Kind      ServiceKind `json:"kind"`
	EnvID     string      `json:"envId"`
	ClusterID string      `json:"clusterId"`
	ServiceIP string      `json:"serviceIp"`
	Spec      Spec        `json:"spec"`
	Deleted   bool        `json:"deleted,omitempty"`
}

// Exists reports whether the service was created and not deleted.
func (s Service) Exists() bool { return s.ID != "" && !s.Deleted }

// EvolveService folds one event into a managed service.
func EvolveService(s Service, r events.Recorded) Service {
	switch e := r.Data.(type) {
	case ServiceCreated:
		return Service{ID: e.ID, Name: e.Name, Kind: e.Kind, EnvID: e.EnvID, ClusterID: e.ClusterID, ServiceIP: e.ServiceIP, Spec: e.Spec}
	case ServiceUpdated:
		s.Kind, s.Spec = e.Kind, e.Spec
	case ServiceDeleted:
		s.Deleted = true
	}
	return s
}

// DecideUpdateService replaces kind and spec (already validated).
func DecideUpdateService(s Service, kind ServiceKind, spec Spec) ([]any, error) {
	if !s.Exists() {
		return nil, wrap(ErrNotFound, NotFound("service", "service %s", s.ID))
	}
	if s.Kind == kind && reflect.DeepEqual(s.Spec, spec) {
		return nil, nil
	}
	return []any{ServiceUpdated{ID: s.ID, Kind: kind, Spec: spec}}, nil
}

// DecideDeleteService deletes a managed service.
func DecideDeleteService(s Service) ([]any, error) {
	if !s.Exists() {
		return nil, wrap(ErrNotFound, NotFound("service", "service %s", s.ID))
	}
	return []any{ServiceDeleted{ID: s.ID, Name: s.Name, EnvID: s.EnvID, ClusterID: s.ClusterID, ServiceIP: s.ServiceIP}}, nil
}
