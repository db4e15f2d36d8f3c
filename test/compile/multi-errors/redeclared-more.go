package main

import "fmt"

var fmt = 1

type T struct{ a, a int }

func (T) M() {}
func (T) M() {}

func main() {
	type U int
	type U string
}
