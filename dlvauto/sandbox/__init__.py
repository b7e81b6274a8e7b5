"""The debugging sandbox: a container with Go and dlv ready (`dlvauto sandbox`)."""
