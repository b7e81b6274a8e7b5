// Command json_unmarshaler_callback demonstrates a panic inside a user
// UnmarshalJSON method that is called back by encoding/json.Unmarshal.
package main

import (
	"encoding/json"
	"fmt"

	"example.com/json_unmarshaler_callback/model"
)

func main() {
	data := []byte(`{"name": "ada", "level": "superuser"}`)
	var u model.User
	if err := json.Unmarshal(data, &u); err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println("user:", u.Name, u.Level)
}
