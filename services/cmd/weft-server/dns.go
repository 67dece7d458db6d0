package main

import (
	"context"

	"go.uber.org/fx"

	"weft.dev/agent/dns"
	"weft.dev/services/messageoffice"
)

// publicDNS serves every team's names (CoreDNS with the weft plugin) so a
// device resolves them without any DNS settings of its own; the message
// office keeps the table current. Reverse lookups (PTR) are off unless the
// operator enables them (--dns-reverse): anyone who can ask this server
// could list every team's names by walking 100.64.0.0/10. On, they answer
// only addresses exactly one team holds.
func publicDNS(o *options) fx.Option {
	if o.dnsListen == "" {
		return fx.Options()
	}
	return fx.Invoke(func(lc fx.Lifecycle, office *messageoffice.Office) {
		table := dns.NewTable()
		table.SetReverse(o.dnsReverse)
		office.SetNames(table)
		var srv *dns.Server
		lc.Append(fx.Hook{
			OnStart: func(context.Context) error {
				var err error
				srv, err = dns.Start(dns.Config{Listen: o.dnsListen, Zones: []string{messageoffice.DefaultZone}, Table: table})
				return err
			},
			OnStop: func(context.Context) error {
				if srv == nil {
					return nil
				}
				return srv.Stop()
			},
		})
	})
}
