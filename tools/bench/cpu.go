// Benchmark program: straight-line integer work in one goroutine (recursive
// fib), to measure emulated instructions per second without scheduling.
package main

func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

func main() {
	println("fib", fib(27))
}
