// Command nil_receiver_method demonstrates a nil pointer dereference:
// Lookup returns a nil *Account and the Balance method reads a field of it.
package main

import (
	"fmt"

	"example.com/nil_receiver_method/account"
)

func main() {
	bank := account.NewBank()
	acc := bank.Lookup("bob") // no such account: acc is nil
	fmt.Println("balance:", acc.Balance())
}
