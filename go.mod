module github.com/synbols-gpu/synbols-gpu

go 1.26.0

require (
	github.com/go-text/typesetting v0.3.5
	github.com/klauspost/compress v1.20.4
	go.yaml.in/yaml/v3 v3.0.6
	golang.org/x/image v0.48.0
)

require (
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/text v0.44.0 // indirect
)
