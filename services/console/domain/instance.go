package domain

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"weft.dev/kernel/fault"
	"weft.dev/kernel/validate"
)

// SourceService is a workload source that is the credentials of a managed
// service of the app's environment that its cluster runs.
const SourceService = "service"

// Credential keys: every service its cluster runs has these in its
// credentials (a Kubernetes Secret the agent generates in the cluster),
// so an app takes them as variables (EnvFrom) or one by one.
var CredentialKeys = []string{"USERNAME", "PASSWORD", "DATABASE", "HOST", "PORT", "URL"}

// runnable lists the kinds a cluster can run, with their port and the
// versions weft runs (the official image's tags of that major line). The
// first version is the default.
var runnable = map[ServiceKind]struct {
	port     int
	versions []string
}{
	Postgres: {5432, []string{"17", "16", "15", "14", "13", "18"}},
	MySQL:    {3306, []string{"8.4", "8.0", "9"}},
	Redis:    {6379, []string{"7.4", "7.2", "8", "6.2"}},
	MongoDB:  {27017, []string{"8.0", "7.0", "6.0"}},
}

// Storage bounds of a service its cluster runs.
var (
	minStorage, _ = validate.ParseQuantity("", "64Mi")
	maxStorage, _ = validate.ParseQuantity("", "64Ti")
)

// DefaultStorage is the volume a run service gets when none is asked.
const DefaultStorage = "1Gi"

// Runnable reports whether a cluster can run kind (else a service of it
// is a name in front of fixed backends).
func Runnable(k ServiceKind) bool { _, ok := runnable[k]; return ok }

// KindPort is the port a run service of kind listens on.
func KindPort(k ServiceKind) int { return runnable[k].port }

// Versions are the versions weft runs of kind, the default first.
func Versions(k ServiceKind) []string { return slices.Clone(runnable[k].versions) }

// RunnableKinds are the kinds a cluster runs, in the order of Kinds.
func RunnableKinds() []ServiceKind {
	var out []ServiceKind
	for _, k := range []ServiceKind{Postgres, MySQL, Redis, MongoDB} {
		if Runnable(k) {
			out = append(out, k)
		}
	}
	return out
}

// Upgrades are the versions of kind a service at version from can be
// changed to in place (DecideChangeInstance accepts them), oldest first.
func Upgrades(k ServiceKind, from string) []string {
	ok := upgrades[k]
	if ok == nil {
		return nil
	}
	var out []string
	for _, v := range runnable[k].versions {
		if v != from && ok(from, v) {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(a, b string) int {
		if versionLess(a, b) {
			return -1
		}
		return 1
	})
	return out
}

// Instance is a managed service its cluster's agent runs (Kubernetes
// mode): a StatefulSet of the kind's official image at Version with a
// volume of Storage, a Service, and credentials the agent generates in the
// cluster as a Kubernetes Secret. The credentials never reach the log in
// clear: the agent seals them to CredentialsKey (X25519, anonymous box)
// and the log holds that; the private half is in SealedKey, sealed by the
// keyring under the service's id, so it opens only through the keyring
// and is destroyed (crypto-shredded) with the service.
type Instance struct {
	Version        string `json:"version"`
	Storage        string `json:"storage"` // a canonical Kubernetes quantity
	CredentialsKey string `json:"credentialsKey"`
	SealedKey      string `json:"sealedKey"`
	// KeyGen is the generation of the service's data key SealedKey is
	// sealed under: 0 until weft secret rotate-key re-encrypts it.
	KeyGen int `json:"keyGen,omitempty"`
}

// InstanceStatus is what the agent of the service's cluster last reported.
type InstanceStatus struct {
	Ready     bool      `json:"ready"`
	Image     string    `json:"image,omitempty"` // the StatefulSet's image, e.g. postgres:17
	Replicas  int       `json:"replicas"`        // ready pods
	LastError string    `json:"lastError,omitempty"`
	Reported  time.Time `json:"reportedAt"`
}

// Same reports whether two statuses say the same (their times aside).
func (s InstanceStatus) Same(o InstanceStatus) bool {
	s.Reported, o.Reported = time.Time{}, time.Time{}
	return s == o
}

// Credentials are a run service's credentials as the log holds them:
// sealed to its CredentialsKey, from the Kubernetes Secret Source (its
// uid), so another set (a Secret made again) is recorded again.
type Credentials struct {
	Source string `json:"source"`
	Sealed string `json:"sealed"`
}

// NormalizeInstance checks a run service's kind, version and storage at
// the edge and fills in the defaults; the key pair is the command's.
func NormalizeInstance(kind ServiceKind, version, storage string) (Instance, error) {
	r, ok := runnable[kind]
	if !ok {
		return Instance{}, fault.Invalidf("kind", "weft runs postgres, mysql, redis and mongodb; a service of kind %s needs --backend (fixed backends)", kind)
	}
	if version == "" {
		version = r.versions[0]
	}
	if !slices.Contains(r.versions, version) {
		sorted := slices.Clone(r.versions)
		slices.Sort(sorted)
		return Instance{}, fault.Invalidf("version", "%q is not a version of %s weft runs (one of %s)", version, kind, strings.Join(sorted, ", "))
	}
	if storage == "" {
		storage = DefaultStorage
	}
	q, err := validate.ResourceQuantity("storage", storage)
	if err != nil {
		return Instance{}, err
	}
	if q.Cmp(minStorage) < 0 || q.Cmp(maxStorage) > 0 {
		return Instance{}, fault.Invalidf("storage", "%s is outside 64Mi–64Ti", storage)
	}
	return Instance{Version: version, Storage: q.Canonical}, nil
}

// InstanceSpec is the network shape of a run service: its kind's port,
// TCP, backends from its cluster (none fixed), round robin.
func InstanceSpec(kind ServiceKind) (Spec, error) {
	s := Spec{Ports: []Port{{Port: KindPort(kind), Protocol: TCP}}}
	return s.normalize("spec.", false)
}

// ServiceStatusReported: the agent of a run service's cluster reported a
// change of its status (recorded by the message office, changed only).
type ServiceStatusReported struct {
	ID        string         `json:"id"`
	ClusterID string         `json:"clusterId"`
	Status    InstanceStatus `json:"status"`
}

// ServiceCredentialsReported: the agent generated (or found kept) the
// service's credentials in its cluster and sent them sealed to the
// service's CredentialsKey; the log holds only that sealed box.
type ServiceCredentialsReported struct {
	ID          string      `json:"id"`
	ClusterID   string      `json:"clusterId"`
	Credentials Credentials `json:"credentials"`
}

// ServiceCredentialsRevealed: someone (the event's actor) read the
// service's credentials in clear.
type ServiceCredentialsRevealed struct {
	ID string `json:"id"`
}

// ServiceDataDeleted: the agent deleted the volume and credentials of a
// service deleted with its data; nothing of it is left in its cluster.
type ServiceDataDeleted struct {
	ID        string `json:"id"`
	ClusterID string `json:"clusterId"`
}

// DecideReportServiceStatus records a run service's status when it
// differs from the last record. A report from another cluster, or for a
// service its cluster does not run, is refused.
func DecideReportServiceStatus(s Service, clusterID string, st InstanceStatus) ([]any, error) {
	if err := reportable(s, clusterID); err != nil {
		return nil, err
	}
	if s.Status != nil && s.Status.Same(st) {
		return nil, nil
	}
	return []any{ServiceStatusReported{ID: s.ID, ClusterID: clusterID, Status: st}}, nil
}

// DecideReportCredentials records sealed credentials from a Secret other
// than the one recorded last.
func DecideReportCredentials(s Service, clusterID string, c Credentials) ([]any, error) {
	if err := reportable(s, clusterID); err != nil {
		return nil, err
	}
	if c.Source == "" || c.Sealed == "" {
		return nil, fault.Invalidf("credentials", "a report of credentials needs their source and sealed box")
	}
	if s.Credentials != nil && s.Credentials.Source == c.Source {
		return nil, nil
	}
	return []any{ServiceCredentialsReported{ID: s.ID, ClusterID: clusterID, Credentials: c}}, nil
}

// DecideRevealCredentials records that the credentials were read; there
// must be some.
func DecideRevealCredentials(s Service) ([]any, error) {
	if !s.Exists() {
		return nil, fault.WithKind(ErrNotFound, NotFound("id", "service %s", s.ID))
	}
	if s.Instance == nil {
		return nil, fault.Invalidf("id", "service %s is not run by its cluster (fixed backends): weft holds no credentials for it", s.Name)
	}
	if s.Credentials == nil {
		return nil, &fault.Error{Code: fault.Unavailable, Field: "id",
			Msg: fmt.Sprintf("the agent of service %s's cluster has not reported its credentials yet (is it running in Kubernetes mode?)", s.Name)}
	}
	return []any{ServiceCredentialsRevealed{ID: s.ID}}, nil
}

// DecideDataDeleted records that a service deleted with its data is
// gone from its cluster.
func DecideDataDeleted(s Service, clusterID string) ([]any, error) {
	if s.ClusterID != clusterID {
		return nil, fault.Forbiddenf("service %s is not homed in cluster %s", s.ID, clusterID)
	}
	if !s.Deleted || !s.DeleteData || s.DataDeleted {
		return nil, nil
	}
	return []any{ServiceDataDeleted{ID: s.ID, ClusterID: clusterID}}, nil
}

// reportable refuses a report for a service that is gone, homed
// elsewhere, or not run.
func reportable(s Service, clusterID string) error {
	if !s.Exists() {
		return fault.WithKind(ErrNotFound, NotFound("id", "service %s", s.ID))
	}
	if s.ClusterID != clusterID {
		return fault.Forbiddenf("service %s is not homed in cluster %s", s.ID, clusterID)
	}
	if s.Instance == nil {
		return fault.Invalidf("id", "service %s is not run by its cluster", s.ID)
	}
	return nil
}

// ServiceInstanceChanged: a run service's version or storage was changed
// (weft service update --version/--storage): its agent rolls its pod to
// the new image and asks its volume claim to grow.
type ServiceInstanceChanged struct {
	ID      string `json:"id"`
	Version string `json:"version"` // the kind's image tag it runs from now
	Storage string `json:"storage"` // the volume's size now, a canonical Kubernetes quantity
}

// upgrades lists, per kind, the version changes its official image makes
// in place on the data of the version before (the others need a dump and
// restore, or steps weft does not take for the user).
var upgrades = map[ServiceKind]func(from, to string) bool{
	// Redis loads the RDB and AOF files of any earlier version.
	Redis: func(from, to string) bool { return versionLess(from, to) },
	// MySQL upgrades in place from one LTS (8.0, 8.4) to the next
	// release series, never skipping an LTS.
	MySQL: func(from, to string) bool { return from == "8.0" && to == "8.4" || from == "8.4" && to == "9" },
}

// versionLess compares dotted numeric versions (7.2 < 7.4 < 8).
func versionLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := range max(len(as), len(bs)) {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			return x < y
		}
	}
	return false
}

// DecideChangeInstance changes a run service's version and storage (each
// "" for unchanged): a version only as its image upgrades its data in
// place, storage only larger (a volume claim never shrinks).
func DecideChangeInstance(s Service, version, storage string) ([]any, error) {
	if !s.Exists() {
		return nil, fault.WithKind(ErrNotFound, NotFound("id", "service %s", s.ID))
	}
	if s.Instance == nil {
		return nil, fault.Invalidf("version", "service %s is not run by its cluster (fixed backends): it has no version or storage of weft's", s.Name)
	}
	cur := *s.Instance
	if version == "" {
		version = cur.Version
	}
	if storage == "" {
		storage = cur.Storage
	}
	want, err := NormalizeInstance(s.Kind, version, storage)
	if err != nil {
		return nil, err
	}
	if want.Version != cur.Version {
		if ok := upgrades[s.Kind]; ok == nil || !ok(cur.Version, want.Version) {
			return nil, fault.Invalidf("version", "%s %s cannot become %s in place: %s", s.Kind, cur.Version, want.Version, upgradeHint(s.Kind, cur.Version))
		}
	}
	oldQ, _ := validate.ParseQuantity("", cur.Storage)
	newQ, _ := validate.ParseQuantity("", want.Storage)
	if newQ.Cmp(oldQ) < 0 {
		return nil, fault.Invalidf("storage", "%s is smaller than the %s service %s has: a volume claim only grows", want.Storage, cur.Storage, s.Name)
	}
	if want.Version == cur.Version && want.Storage == cur.Storage {
		return nil, nil
	}
	return []any{ServiceInstanceChanged{ID: s.ID, Version: want.Version, Storage: want.Storage}}, nil
}

// upgradeHint says what a refused version change needs instead.
func upgradeHint(k ServiceKind, from string) string {
	switch k {
	case Redis:
		return "redis only upgrades (a newer version reads the data of an older one, not the other way)"
	case MySQL:
		return map[string]string{"8.0": "from 8.0 only 8.4 (MySQL does not skip an LTS or go back)",
			"8.4": "from 8.4 only 9 (MySQL does not go back)"}[from] + "; create another service for anything else"
	case Postgres:
		return "a new PostgreSQL major version needs pg_upgrade or a dump and restore; create a service of the new version (or clone the environment) and move the data into it"
	default:
		return "a new MongoDB major version needs its feature compatibility version raised step by step; create a service of the new version and move the data into it"
	}
}

// ServiceKeyRekeyed: the private half of a run service's credentials key
// was sealed again under generation KeyGen of the service's data key
// (weft secret rotate-key); the older generations are destroyed after, so
// what the service's creation holds of it no longer opens. Nothing changes
// in its cluster.
type ServiceKeyRekeyed struct {
	ID        string `json:"id"`
	KeyGen    int    `json:"keyGen"`    // the data key's generation SealedKey is sealed under now
	SealedKey string `json:"sealedKey"` // the private half, sealed (keyring.Sealed): never in clear
}

// DecideRekeyServiceKey records a run service's credentials key sealed
// again under generation gen; ErrKeyMoved when it was re-encrypted since
// it was read.
func DecideRekeyServiceKey(s Service, gen int, sealedKey string) ([]any, error) {
	if !s.Exists() || s.Instance == nil {
		return nil, nil // deleted meanwhile: its keys are gone anyway
	}
	if s.Instance.KeyGen != gen-1 {
		return nil, ErrKeyMoved
	}
	return []any{ServiceKeyRekeyed{ID: s.ID, KeyGen: gen, SealedKey: sealedKey}}, nil
}
