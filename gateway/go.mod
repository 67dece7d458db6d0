module weft.dev/gateway

go 1.26.0
