package domain

import (
	"reflect"

	"weft.dev/events/event"
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
	// Instance is set when its cluster runs it (instance.go); else its
	// backends are fixed ones.
	Instance    *Instance       `json:"instance,omitempty"`
	Status      *InstanceStatus `json:"status,omitempty"`
	Credentials *Credentials    `json:"credentials,omitempty"`
	Deleted     bool            `json:"deleted,omitempty"`
	ClonedFrom  string          `json:"clonedFrom,omitempty"` // the resource it was cloned from
	// DeleteData: deleted with its volume and credentials, which its
	// cluster's agent deletes (DataDeleted once it reported it did).
	DeleteData  bool `json:"deleteData,omitempty"`
	DataDeleted bool `json:"dataDeleted,omitempty"`
}

// Exists reports whether the service was created and not deleted.
func (s Service) Exists() bool { return s.ID != "" && !s.Deleted }

// EvolveService folds one event into a managed service.
func EvolveService(s Service, r event.Recorded) Service {
	switch e := r.Data.(type) {
	case ServiceCreated:
		return Service{ID: e.ID, Name: e.Name, Kind: e.Kind, EnvID: e.EnvID, ClusterID: e.ClusterID, ServiceIP: e.ServiceIP, Spec: e.Spec, Instance: e.Instance, ClonedFrom: e.ClonedFrom}
	case ServiceUpdated:
		s.Kind, s.Spec = e.Kind, e.Spec
	case ServiceKeyRekeyed:
		if s.Instance != nil {
			in := *s.Instance
			in.SealedKey, in.KeyGen = e.SealedKey, e.KeyGen
			s.Instance = &in
		}
	case ServiceInstanceChanged:
		if s.Instance != nil {
			in := *s.Instance
			in.Version, in.Storage = e.Version, e.Storage
			s.Instance = &in
		}
	case ServiceStatusReported:
		st := e.Status
		s.Status = &st
	case ServiceCredentialsReported:
		c := e.Credentials
		s.Credentials = &c
	case ServiceDeleted:
		s.Deleted, s.DeleteData = true, e.DeleteData
	case ServiceDataDeleted:
		s.DataDeleted = true
	}
	return s
}

// DecideUpdateService replaces kind and spec (already validated) of a
// service of fixed backends; one its cluster runs keeps its kind's shape.
func DecideUpdateService(s Service, kind ServiceKind, spec Spec) ([]any, error) {
	if !s.Exists() {
		return nil, fault.WithKind(ErrNotFound, NotFound("service", "service %s", s.ID))
	}
	if s.Instance != nil {
		return nil, fault.Conflictf("service %s runs in its cluster as a %s: its kind and ports are its own; delete it and create another to change them", s.Name, s.Kind)
	}
	if s.Kind == kind && reflect.DeepEqual(s.Spec, spec) {
		return nil, nil
	}
	return []any{ServiceUpdated{ID: s.ID, Kind: kind, Spec: spec}}, nil
}

// DecideDeleteService deletes a managed service; deleteData (for one its
// cluster runs) deletes its volume and credentials too, which are kept
// otherwise (a service created again under its name takes them back).
func DecideDeleteService(s Service, deleteData bool) ([]any, error) {
	if !s.Exists() {
		return nil, fault.WithKind(ErrNotFound, NotFound("service", "service %s", s.ID))
	}
	if deleteData && s.Instance == nil {
		return nil, fault.Invalidf("deleteData", "service %s is not run by its cluster: it has no data of weft's to delete", s.Name)
	}
	return []any{ServiceDeleted{ID: s.ID, Name: s.Name, EnvID: s.EnvID, ClusterID: s.ClusterID, ServiceIP: s.ServiceIP, DeleteData: deleteData}}, nil
}
