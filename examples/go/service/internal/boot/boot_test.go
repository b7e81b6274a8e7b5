package boot

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	cfg := Load()
	_ = cfg.Ports[0]
	os.Exit(m.Run())
}

func TestLoad(t *testing.T) {}
