// Benchmark program: 500,000 round trips over two unbuffered channels between
// main and one goroutine (each round trip is two goroutine switches: a
// million switches), then a checksum. Valid Go: real Go runs it for the native comparison.
package main

import "runtime"

func main() {
	runtime.GOMAXPROCS(1)
	ping := make(chan int)
	pong := make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		close(pong)
	}()
	sum := 0
	for i := 0; i < 500000; i++ {
		ping <- i
		sum += <-pong
	}
	close(ping)
	println("sum", sum)
}
