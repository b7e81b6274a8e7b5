// Command multiline_panic panics with an error whose text spans lines; Go 1.23+
// indents the continuation lines with a tab.
package main

import "errors"

func load() {
	panic(errors.New("config invalid:\n  line 3: missing key\n  line 9: bad value"))
}

func main() {
	load()
}
