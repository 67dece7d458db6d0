package domain

import (
	"fmt"

	"weft.dev/events/event"
	"weft.dev/kernel/fault"
)

// Valid reports whether k is a known kind.
func (k DeviceKind) Valid() bool { return k == KindDevice || k == KindWorkspace }

// CheckKind returns a BAD_USER_INPUT fault for an unknown kind.
func CheckKind(field string, k DeviceKind) error {
	if !k.Valid() {
		return fault.WithKind(ErrUnknownDeviceKind, fault.Invalidf(field, "%q is neither %q nor %q", k, KindDevice, KindWorkspace))
	}
	return nil
}

// Device is a device aggregate's state.
type Device struct {
	ID, Name  string
	Kind      DeviceKind
	Owner     string
	PublicKey string
	IP        string
	Created   bool
	Deleted   bool
}

// Live reports whether the device exists and is not deleted.
func (d Device) Live() bool { return d.Created && !d.Deleted }

// EvolveDevice folds one event into d.
func EvolveDevice(d Device, r event.Recorded) Device {
	switch e := r.Data.(type) {
	case DeviceCreated:
		d = Device{ID: e.ID, Name: e.Name, Kind: e.Kind, Owner: e.Owner, PublicKey: e.PublicKey, IP: e.IP, Created: true}
	case DeviceKeyRotated:
		d.PublicKey = e.PublicKey
	case DeviceDeleted:
		d.Deleted = true
	}
	return d
}

// NewDevice is what a device's creator gives of it.
type NewDevice struct {
	Name      string
	Kind      DeviceKind // KindDevice when empty
	Owner     string     // the creating user's id
	PublicKey string
}

// Check returns nd as it is created (a device's kind unless said) or why it
// cannot be: a command checks before it takes an address for it.
func (nd NewDevice) Check() (NewDevice, error) {
	if nd.Kind == "" {
		nd.Kind = KindDevice
	}
	if err := CheckKind("kind", nd.Kind); err != nil {
		return nd, err
	}
	if nd.Owner == "" {
		return nd, fault.Invalidf("owner", "a device needs an owning user")
	}
	return nd, nil
}

// DecideCreateDevice creates device id with the address the team network
// handed it in allocated (DecideAllocateDevice's events, decided in the
// same command).
func DecideCreateDevice(allocated []any, id string, nd NewDevice) ([]any, error) {
	nd, err := nd.Check()
	if err != nil {
		return nil, err
	}
	ip, _ := Allocated(allocated, id)
	if ip == "" {
		return nil, fmt.Errorf("create device %s: the network allocated it no address", id)
	}
	return []any{DeviceCreated{ID: id, Name: nd.Name, Kind: nd.Kind, Owner: nd.Owner, PublicKey: nd.PublicKey, IP: ip}}, nil
}

// DecideRotateKey records the device's new public key; nothing when it is
// the current one.
func DecideRotateKey(d Device, id, publicKey string) ([]any, error) {
	if !d.Live() {
		return nil, NotFound("id", "device %s", id)
	}
	if d.PublicKey == publicKey {
		return nil, nil
	}
	return []any{DeviceKeyRotated{ID: d.ID, PublicKey: publicKey}}, nil
}

// DecideDeleteDevice removes a live device.
func DecideDeleteDevice(d Device, id string) ([]any, error) {
	if !d.Live() {
		return nil, NotFound("id", "device %s", id)
	}
	return []any{DeviceDeleted{ID: d.ID, Name: d.Name, IP: d.IP}}, nil
}
