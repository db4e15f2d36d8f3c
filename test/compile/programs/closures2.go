package main

func makeAdder(base int) func(int) int {
	return func(x int) int {
		base += x
		return base
	}
}

func nested() func() func() int {
	a := 1
	return func() func() int {
		b := 10
		a++
		return func() int {
			a *= 2
			b++
			return a*100 + b
		}
	}
}

func named() (r int) {
	add := func(k int) { r += k }
	add(3)
	add(4)
	return
}


func twice(f func(int) int, x int) int { return f(f(x)) }

func inc(x int) int { return x + 1 }

func choose(b bool) func(int) int {
	if b {
		return inc
	}
	return func(x int) int { return x - 1 }
}

func main() {
	add := makeAdder(10)
	println(add(1), add(2), add(3))

	mk := nested()
	g1 := mk()
	println(g1(), g1())
	g2 := mk()
	println(g2(), g1())

	println("named:", named())

	println("twice:", twice(inc, 5), twice(choose(false), 5))
	f := inc
	println("func value:", f(41), choose(true)(1))

	var nilf func()
	println("nil func:", nilf == nil, f != nil)

	// closures over the same loop variable (Go 1.19: one variable per loop)
	sum := 0
	var c0, c1, c2 func() int
	for i := 0; i < 3; i++ {
		k := i * i
		cl := func() int { return i*10 + k }
		switch i {
		case 0:
			c0 = cl
		case 1:
			c1 = cl
		default:
			c2 = cl
		}
	}
	sum = c0() + c1() + c2()
	println("loop:", c0(), c1(), c2(), sum)

	// closure capturing a parameter and a result of the enclosing function
	h := func(p int) (q int) {
		inner := func() { q = p * 3; p = 0 }
		inner()
		return q + p
	}
	println("param capture:", h(7))

	// immediately invoked, capturing and modifying
	x := 5
	func() {
		x++
		func() {
			x *= 10
		}()
	}()
	println("x =", x)
}
