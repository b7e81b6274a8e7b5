// Command type_assertion demonstrates a failed non-comma-ok type assertion:
// "interface conversion: interface {} is float64, not int".
package main

import "fmt"

func count(fields map[string]any) int {
	return fields["count"].(int)
}

func main() {
	fields := map[string]any{"name": "widget", "count": 3.0}
	fmt.Println("count:", count(fields))
}
