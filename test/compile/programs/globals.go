package main

// Package-level variables are initialized in dependency order, then the
// init functions run in source order, then main.

var total = sum(a, b) + c

var a, b = pair()

var c = 10

var counter int

var step = func(n int) int { return n * a }

var done bool

func pair() (int, int) {
	counter++
	return 3, 4
}

func sum(x, y int) int {
	return x + y
}

func init() {
	println("init 1: total", total, "counter", counter)
	counter += 100
}

func init() {
	println("init 2: counter", counter, "step(5)", step(5))
	done = true
}

func bump() int {
	counter++
	return counter
}

func main() {
	println("main:", a, b, c, total, done)
	println("bump:", bump(), bump())
	c = 20
	println("c =", c, "total =", total)
}
