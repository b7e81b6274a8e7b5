// Package config loads application settings.
package config

import (
	"errors"
	"fmt"
)

// ErrNotFound is returned when a configuration file does not exist.
var ErrNotFound = errors.New("config file not found")

// Config holds application settings.
type Config struct {
	Name string
}

// Load pretends to read a configuration file and always fails.
func Load(path string) (*Config, error) {
	return nil, fmt.Errorf("load %q: %w", path, ErrNotFound)
}

// MustLoad is like Load but panics on error.
func MustLoad(path string) *Config {
	cfg, err := Load(path)
	if err != nil {
		panic(err)
	}
	return cfg
}
