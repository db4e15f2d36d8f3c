package main

import "fmt"

func main() {
	a := x
	b := a + 1
	c := y
	var s string = 5
	println(z1)
	println(z3); println(z3)
	d := 1
	e := 2
	println(z4 + "a")
	f := 3
	println(z5)
	println(z6)
	println(z7)
	println(z8)
	println(z9)
}
