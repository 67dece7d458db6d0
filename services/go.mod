module weft.dev/services

go 1.26.0
