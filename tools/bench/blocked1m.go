// Benchmark program: one million goroutines block on one channel; when all
// of them wait, main says how many there are, releases them by closing the
// channel and collects what each sends back (issue 13, target 5: a million
// live goroutines). Valid Go: real Go runs it too.
package main

import "runtime"

func main() {
	runtime.GOMAXPROCS(1)
	const n = 1000000
	gate := make(chan int)
	done := make(chan int)
	ready := 0
	for i := 0; i < n; i++ {
		go func(i int) {
			ready++
			<-gate
			done <- i
		}(i)
	}
	for ready < n {
		runtime.Gosched()
	}
	println("blocked", runtime.NumGoroutine())
	close(gate)
	sum := 0
	for i := 0; i < n; i++ {
		sum += <-done
	}
	println("released", sum)
}
