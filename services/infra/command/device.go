package command

import (
	"context"
	"errors"
	"fmt"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/kernel/validate"
	"weft.dev/services/infra/domain"
	"weft.dev/services/uniq"
)

// CreateDeviceInput registers a device or workspace. PublicKey is the
// WireGuard public key the client generated; the private key never leaves
// the client.
type CreateDeviceInput struct {
	Team      string
	Name      string
	Kind      domain.DeviceKind // "device" (default) or "workspace"
	PublicKey string
}

// CreateDevice joins a device or workspace to the network, owned by the
// caller: its address, the name and the device in one atomic append. Any
// member may create their own devices.
func (h *Handlers) CreateDevice(ctx context.Context, p auth.Principal, in CreateDeviceInput) (Result[domain.Device], error) {
	if err := require(p, in.Team, auth.Member); err != nil {
		return Result[domain.Device]{}, err
	}
	if err := validate.Name("name", in.Name); err != nil {
		return Result[domain.Device]{}, err
	}
	nd, err := domain.NewDevice{Name: in.Name, Kind: in.Kind, Owner: p.UserID, PublicKey: in.PublicKey}.Check()
	if err != nil {
		return Result[domain.Device]{}, err
	}
	if err := validate.PublicKey("publicKey", in.PublicKey); err != nil {
		return Result[domain.Device]{}, err
	}
	id, err := events.NewID()
	if err != nil {
		return Result[domain.Device]{}, err
	}
	var res events.Result[domain.Network]
	err = h.onNetwork(in.Team, func(cache *events.Cached[domain.Network]) (err error) {
		res, err = events.Handle(ctx, h.store, events.Command[domain.Network]{
			Team: in.Team, Aggregate: networkRef, Actor: p.Actor(),
			Evolve: domain.EvolveNetwork, Cache: cache,
			Decide: func(n domain.Network) ([]any, error) { return domain.DecideAllocateDevice(n, id) },
			Also: func(ctx context.Context, _ domain.Network, decided []any) ([]events.Write, error) {
				created, err := domain.DecideCreateDevice(decided, id, nd)
				if err != nil {
					return nil, err
				}
				claim, err := uniq.Claim(ctx, h.store, in.Team, p.Actor(), DeviceNameKind, in.Name, id)
				if err != nil {
					return nil, err
				}
				key, err := keyWrites(ctx, h.store, in.Team, p.Actor(), id, "", in.PublicKey)
				if err != nil {
					return nil, err
				}
				// The device's own event last: its sequence is the one the
				// command returns, which agents' applied sequences reach.
				return append(append([]events.Write{claim}, key...), events.Write{Expected: 0, Events: eventsOf(in.Team, deviceRef(id), p.Actor(), created)}), nil
			},
		})
		return err
	})
	if err != nil {
		return Result[domain.Device]{}, fmt.Errorf("create %s %s: %w", nd.Kind, in.Name, err)
	}
	d := events.FoldOf(res.Events, deviceRef(id), domain.Device{}, domain.EvolveDevice)
	return Result[domain.Device]{Object: d, Seq: res.LastSeq}, nil
}

// RotateDeviceKeyInput is a device's new public key.
type RotateDeviceKeyInput struct {
	Team      string
	ID        string
	PublicKey string
}

// ownerOrAdmin loads the device and checks the caller may change it: its
// owner, an admin or owner of the team, or the system.
func (h *Handlers) ownerOrAdmin(ctx context.Context, p auth.Principal, team, id string) (domain.Device, error) {
	d, _, err := loadDevice(ctx, h.store, team, id)
	if err != nil {
		return d, err
	}
	if !d.Live() {
		return d, domain.NotFound("id", "device %s", id)
	}
	if p.System || d.Owner == p.UserID {
		return d, nil
	}
	if err := p.Require(team, auth.Admin); err != nil {
		return d, fault.Forbiddenf("device %s belongs to another user; only its owner or an admin may change it", d.Name)
	}
	return d, nil
}

// RotateDeviceKey registers the device's new public key (owner or admin);
// nothing is appended when it is the current key.
func (h *Handlers) RotateDeviceKey(ctx context.Context, p auth.Principal, in RotateDeviceKeyInput) (Result[domain.Device], error) {
	if err := require(p, in.Team, auth.Member); err != nil {
		return Result[domain.Device]{}, err
	}
	if err := checkID("id", in.ID); err != nil {
		return Result[domain.Device]{}, err
	}
	if err := validate.PublicKey("publicKey", in.PublicKey); err != nil {
		return Result[domain.Device]{}, err
	}
	if _, err := h.ownerOrAdmin(ctx, p, in.Team, in.ID); err != nil {
		return Result[domain.Device]{}, fmt.Errorf("rotate key of device %s: %w", in.ID, err)
	}
	res, err := events.Handle(ctx, h.store, events.Command[domain.Device]{
		Team: in.Team, Aggregate: deviceRef(in.ID), Actor: p.Actor(),
		Evolve: domain.EvolveDevice,
		Decide: func(d domain.Device) ([]any, error) { return domain.DecideRotateKey(d, in.ID, in.PublicKey) },
		Also: func(ctx context.Context, d domain.Device, _ []any) ([]events.Write, error) {
			return keyWrites(ctx, h.store, in.Team, p.Actor(), in.ID, d.PublicKey, in.PublicKey)
		},
	})
	if err != nil {
		return Result[domain.Device]{}, fmt.Errorf("rotate key of device %s: %w", in.ID, err)
	}
	return Result[domain.Device]{Object: res.State, Seq: ownSeq(res, deviceRef(in.ID))}, nil
}

// DeviceInput points at one device.
type DeviceInput struct {
	Team string
	ID   string
}

// DeleteDevice removes the device (owner or admin), releasing its address
// and name in the same atomic append. It returns the device as it was.
func (h *Handlers) DeleteDevice(ctx context.Context, p auth.Principal, in DeviceInput) (Result[domain.Device], error) {
	if err := require(p, in.Team, auth.Member); err != nil {
		return Result[domain.Device]{}, err
	}
	if err := checkID("id", in.ID); err != nil {
		return Result[domain.Device]{}, err
	}
	if _, err := h.ownerOrAdmin(ctx, p, in.Team, in.ID); err != nil {
		return Result[domain.Device]{}, fmt.Errorf("delete device %s: %w", in.ID, err)
	}
	var last domain.Device
	var res events.Result[domain.Network]
	err := h.onNetwork(in.Team, func(cache *events.Cached[domain.Network]) (err error) {
		res, err = events.Handle(ctx, h.store, events.Command[domain.Network]{
			Team: in.Team, Aggregate: networkRef, Actor: p.Actor(),
			Evolve: domain.EvolveNetwork, Cache: cache,
			Decide: func(n domain.Network) ([]any, error) { return domain.DecideRelease(n, in.ID) },
			Also: func(ctx context.Context, _ domain.Network, _ []any) ([]events.Write, error) {
				d, v, err := loadDevice(ctx, h.store, in.Team, in.ID)
				if err != nil {
					return nil, err
				}
				deleted, err := domain.DecideDeleteDevice(d, in.ID)
				if err != nil {
					return nil, err
				}
				last = d
				w, err := resourceDeleted(ctx, h.store, in.Team, p.Actor(), deviceRef(in.ID), v, deleted, DeviceNameKind, d.Name)
				if err != nil {
					return nil, err
				}
				key, err := keyWrites(ctx, h.store, in.Team, p.Actor(), in.ID, d.PublicKey, "")
				return append(w, key...), err
			},
		})
		return err
	})
	if errors.Is(err, domain.ErrNotAllocated) {
		err = domain.NotFound("id", "device %s", in.ID)
	}
	if err != nil {
		return Result[domain.Device]{}, fmt.Errorf("delete device %s: %w", in.ID, err)
	}
	return Result[domain.Device]{Object: last, Seq: res.LastSeq}, nil
}
