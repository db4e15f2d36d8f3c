package main

//go:noinline
func f() int { return 1 }

func main() {
	//go:noinline
	x := f()
	y := 2 //go:nosplit
	//go:foo
	println(x, y)
	//go:systemstack
	var z int
	//go:norace
	_ = z
	//go:noinline
}

//go:nosplit
var v = 1
