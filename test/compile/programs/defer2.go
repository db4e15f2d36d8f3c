package main

func counter(tag int) (n int) {
	defer func() { n += 100 }()
	for i := 0; i < 3; i++ {
		defer func() { n++ }()
	}
	if tag > 0 {
		return tag
	}
	n = -1
	return
}

func order() {
	for i := 0; i < 3; i++ {
		defer println("deferred", i)
		defer func() { println("closure sees", i) }()
	}
	println("order body")
}

func show(a, b int) {
	println("show", a, b)
}

func args() {
	x, y := 1, 2
	defer show(x, y)
	f := show
	defer f(x*10, y*10)
	g := func(k int) { println("g", k, x) }
	defer g(x + y)
	x, y = 100, 200
}

func inner(d int) {
	defer println("inner done", d)
	if d > 0 {
		defer inner(d - 1)
	}
	println("inner", d)
}

func main() {
	println(counter(0), counter(5))
	order()
	args()
	inner(2)
	func() {
		defer println("literal deferred")
		println("literal body")
	}()
	defer println("main deferred")
}
