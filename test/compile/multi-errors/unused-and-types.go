package main

import (
	"fmt"
	"os"
	"strings"
)

type T struct{ n int }

func (t T) Get() int { return t.n }

func helper(n int) string {
	unused := n * 2
	return n
}

func main() {
	var t T
	t.Set(3)
	k := t.Get() + "1"
	for i := 0; i < "3"; i++ {
		println(i, undefinedThing)
	}
	var m map[string]int
	m[1] = 2
	fmt.Println(strings.ToUpper(3))
}
