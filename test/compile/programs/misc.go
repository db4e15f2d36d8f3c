package main

import "sync"

const debug bool = false

const greeting = "hello, " + "world"

var done = make(chan bool, 1)

var wg sync.WaitGroup

func pairf() (func() int, func(int)) {
	v := 0
	return func() int { return v }, func(n int) { v += n }
}

func apply(fs chan func(int) int, x int) int {
	f := <-fs
	return f(x)
}

func recv(c <-chan int) int { return <-c }

func main() {
	println(greeting, len(greeting), debug)
	print()
	println()

	var s struct{}
	s = struct{}{}
	sc := make(chan struct{}, 1)
	sc <- s
	<-sc

	fc := make(chan func(int) int, 1)
	fc <- func(x int) int { return x * x }
	println("chan of func:", apply(fc, 9))

	get, add := pairf()
	add(4)
	add(5)
	println("pair:", get())

	a, b := func() (int, int) { return 1, 2 }()
	println("iife pair:", a, b)

	len := 5
	true := false
	println("shadowed:", len, true, !true)

	var x, y = 3, false
	println(int(x)+1, bool(!y), x == 3 && !y)

	c1 := make(chan int, 1)
	c2 := c1
	c3 := make(chan int)
	println("chan ==:", c1 == c2, c1 == c3, c3 != nil)
	c1 <- 77
	println("directional:", recv(c1))

	// range variables captured by closures
	r := make(chan int, 3)
	r <- 1
	r <- 2
	r <- 3
	close(r)
	var last func() int
	total := 0
	for v := range r {
		last = func() int { return v * 100 }
		total += last()
	}
	println("range capture:", total, last())

	// defers in a closure inside a loop
	for i := 0; i < 2; i++ {
		func(k int) {
			defer println("deferred in closure", k, i)
		}(i * 10)
	}

	// global WaitGroup and channel
	wg.Add(2)
	wg.Done()
	wg.Done()
	wg.Wait()
	done <- true
	println("global chan:", <-done, len)

	switch z := x * 2; {
	case z > 100:
		println("never")
	}
	switch {
	default:
		println("only default")
	}

	var fact func(int) int
	fact = func(n int) int {
		if n <= 1 {
			return 1
		}
		return n * fact(n-1)
	}
	g := fact
	println("fact via var:", g(6))

	_, _ = a, b
	const k = 3 * 2
	println(k)
}
