package model

import "time"

// App is the App entity. Its environment is resolved from EnvID when
// asked for, so a list of apps does not compute every environment.
type App struct {
	ID               string      `json:"id"`
	Name             string      `json:"name"`
	Cluster          Cluster     `json:"cluster"`
	ServiceIP        string      `json:"serviceIp"`
	Spec             Spec        `json:"spec"`
	Workload         *Workload   `json:"workload,omitempty"`
	Export           *ServiceRef `json:"export,omitempty"`
	Generation       int         `json:"generation"`
	Rollout          *Rollout    `json:"rollout,omitempty"`
	ActiveIntercepts []Intercept `json:"activeIntercepts"`
	CreatedBy        *string     `json:"createdBy,omitempty"`
	CreatedAt        *time.Time  `json:"createdAt,omitempty"`
	ClonedFrom       *string     `json:"clonedFrom,omitempty"`
	UpdatedAt        *time.Time  `json:"updatedAt,omitempty"`
	EnvID            string      `json:"-"`
}

// IsEntity marks App as a federation entity.
func (App) IsEntity() {}

// ManagedService is the ManagedService entity; see App.
type ManagedService struct {
	ID        string      `json:"id"`
	Name      string      `json:"name"`
	Kind      ServiceKind `json:"kind"`
	Cluster   Cluster     `json:"cluster"`
	ServiceIP string      `json:"serviceIp"`
	Spec      Spec        `json:"spec"`
	// Instance and Status: a service its cluster runs.
	Instance         *ManagedInstance      `json:"instance,omitempty"`
	Status           *ManagedServiceStatus `json:"status,omitempty"`
	CredentialsReady bool                  `json:"credentialsReady"`
	CreatedBy        *string               `json:"createdBy,omitempty"`
	CreatedAt        *time.Time            `json:"createdAt,omitempty"`
	ClonedFrom       *string               `json:"clonedFrom,omitempty"`
	UpdatedAt        *time.Time            `json:"updatedAt,omitempty"`
	EnvID            string                `json:"-"`
}

// IsEntity marks ManagedService as a federation entity.
func (ManagedService) IsEntity() {}

// Intercept is an intercept; its app is resolved from AppID (an app lists
// its intercepts, so the two cannot both be filled in).
type Intercept struct {
	ID         string     `json:"id"`
	Port       Port       `json:"port"`
	Device     Device     `json:"device"`
	DeviceName *string    `json:"deviceName,omitempty"`
	DeviceGone bool       `json:"deviceGone"`
	Target     string     `json:"target"`
	Active     bool       `json:"active"`
	StartedBy  string     `json:"startedBy"`
	StartedAt  *time.Time `json:"startedAt,omitempty"`
	StoppedBy  *string    `json:"stoppedBy,omitempty"`
	StoppedAt  *time.Time `json:"stoppedAt,omitempty"`
	AppID      string     `json:"-"`
}

// Config is a config; its environment is resolved from EnvID, as an app's.
type Config struct {
	ID         string        `json:"id"`
	Name       string        `json:"name"`
	Cluster    Cluster       `json:"cluster"`
	Entries    []ConfigEntry `json:"entries"`
	UsedBy     []string      `json:"usedBy"`
	CreatedBy  *string       `json:"createdBy,omitempty"`
	CreatedAt  *time.Time    `json:"createdAt,omitempty"`
	ClonedFrom *string       `json:"clonedFrom,omitempty"`
	UpdatedAt  *time.Time    `json:"updatedAt,omitempty"`
	EnvID      string        `json:"-"`
}

// Secret is a secret (key names only); its environment is resolved from
// EnvID.
type Secret struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Cluster    Cluster    `json:"cluster"`
	Keys       []string   `json:"keys"`
	Version    int        `json:"version"`
	UsedBy     []string   `json:"usedBy"`
	CreatedBy  *string    `json:"createdBy,omitempty"`
	CreatedAt  *time.Time `json:"createdAt,omitempty"`
	ClonedFrom *string    `json:"clonedFrom,omitempty"`
	UpdatedAt  *time.Time `json:"updatedAt,omitempty"`
	EnvID      string     `json:"-"`
}

// Router is a router; its environment is resolved from EnvID.
type Router struct {
	ID         string        `json:"id"`
	Name       string        `json:"name"`
	Cluster    Cluster       `json:"cluster"`
	Domain     string        `json:"domain"`
	Routes     []Route       `json:"routes"`
	TLS        bool          `json:"tls"`
	Status     *RouterStatus `json:"status,omitempty"`
	CreatedBy  *string       `json:"createdBy,omitempty"`
	CreatedAt  *time.Time    `json:"createdAt,omitempty"`
	ClonedFrom *string       `json:"clonedFrom,omitempty"`
	UpdatedAt  *time.Time    `json:"updatedAt,omitempty"`
	EnvID      string        `json:"-"`
}
