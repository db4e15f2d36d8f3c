package main

import "fmt"
import "fmt"

var x = 1
var x = 2

func f() {}
func f() {}

func main() {
	y := 1
	var y = 2
	fmt.Println(zz)
}
