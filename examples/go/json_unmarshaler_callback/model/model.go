// Package model defines JSON-decoded types.
package model

import "strings"

var levelNames = map[string]Level{"guest": 0, "user": 1, "admin": 2}

// Level is a permission level encoded as a JSON string.
type Level int

// UnmarshalJSON decodes a quoted level name.
func (l *Level) UnmarshalJSON(b []byte) error {
	name := strings.Trim(string(b), `"`)
	v, ok := levelNames[name]
	if !ok {
		panic("unknown level " + name)
	}
	*l = v
	return nil
}

// User is a decoded user record.
type User struct {
	Name  string `json:"name"`
	Level Level  `json:"level"`
}
