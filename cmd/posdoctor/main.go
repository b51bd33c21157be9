// Command posdoctor is an operator console for card-payment terminals.
package main

import "os"

func main() { os.Exit(Main()) }
