package main

// Order of evaluation as gc implements it: calls and receives first, left to
// right; variables that a call can change are read after them.

var g = 1

func id(x int) int { println("id", x); return x }

func main() {
	x := 1
	f := func() int { x = 10; g = 20; return 5 }
	println(x, f())
	x = 1
	y := x + f()
	println(y)
	x = 1
	x += f()
	println(x)
	g = 1
	println(g, f(), g)
	x = 1
	println(x > 0 && f() == 5, x)
	a, b := x, f()
	println(a, b)
	ch := make(chan int, 3)
	ch <- 1
	ch <- 2
	println(len(ch), <-ch)
	x = 1
	p := func() int { x++; return x }
	println(x+id(x), p(), x)
	z := id(1) + id(2)*id(3)
	println(z)
	println(-x, ^x, !(x > p()), x)
	y2 := x
	println(y2 == p(), y2)
	s := 0
	for i := 0; i < 2; i++ {
		s += p() + x
	}
	println(s)
}
